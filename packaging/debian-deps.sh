#!/usr/bin/env bash
# Installs the Debian packages orbitviz needs (Qt's xcb platform, Mesa's OpenGL, Xvfb for
# tests and headless export, python3-venv where Python lacks ensurepip). Idempotent and
# quick when everything is present. As root: apt-get. Otherwise: sudo if present, else it
# prints the exact apt-get line and exits 1.
set -euo pipefail

PKGS=(xvfb xauth libgl1 libgl1-mesa-dri libegl1 libglib2.0-0 libdbus-1-3 libfontconfig1
      libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
      libxcb-randr0 libxcb-render-util0 libxcb-image0 libxcb-xinerama0 libxcb-xkb1)
PYTHON=${PYTHON:-python3}

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "orbitviz: not a Debian-like system; install Xvfb, Mesa OpenGL and Qt's xcb libraries yourself" >&2
  exit 0
fi

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ! "$PYTHON" -c "import ensurepip, venv" >/dev/null 2>&1; then
  ver=$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
  missing+=("python${ver}-venv")
fi
[ ${#missing[@]} -eq 0 ] && exit 0

line="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "orbitviz needs these system packages; run as root:" >&2
  echo "  apt-get update && $line" >&2
  exit 1
fi
echo "orbitviz: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
