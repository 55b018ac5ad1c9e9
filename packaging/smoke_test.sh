#!/usr/bin/env bash
# Smoke test of the one-folder bundle: run it with an empty environment whose PATH holds no
# Python at all (only Xvfb, which the CLI starts itself when there is no display), export a
# still, and check the picture.
#
#   packaging/smoke_test.sh dist/orbitviz/orbitviz [CHECKER_PYTHON]
#
# CHECKER_PYTHON (the project venv's python) only reads the result afterwards; without it the
# check is the PNG signature, the size in the header and the file size.
set -euo pipefail

exe=$(realpath "$1")
checker=${2:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/bin" "$tmp/home" "$tmp/work"
xvfb=$(command -v Xvfb) || { echo "smoke test: Xvfb is missing (packaging/debian-deps.sh)" >&2; exit 1; }
ln -s "$xvfb" "$tmp/bin/Xvfb"
if env -i PATH="$tmp/bin" sh -c 'command -v python3 || command -v python' >/dev/null 2>&1; then
  echo "smoke test: a Python is on the test PATH" >&2; exit 1
fi

run() { (cd "$tmp/work" && env -i PATH="$tmp/bin" HOME="$tmp/home" LANG=C.UTF-8 "$exe" "$@"); }

run --version
run state --at docking --json > "$tmp/state.json"
grep -q '"soyuz-ms-19"' "$tmp/state.json" || { echo "smoke test: state output lacks soyuz-ms-19" >&2; exit 1; }
start=$(date +%s.%N)
run export --at docking --out "$tmp/smoke.png"
end=$(date +%s.%N)

png="$tmp/smoke.png"
[ -f "$png" ] || { echo "smoke test: no PNG written" >&2; exit 1; }
sig=$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')
[ "$sig" = "89504e470d0a1a0a" ] || { echo "smoke test: not a PNG (signature $sig)" >&2; exit 1; }
# IHDR: width and height, big-endian, at bytes 16..23
dims=$(od -An -tu1 -j16 -N8 "$png" | awk '{print $1*16777216+$2*65536+$3*256+$4 "x" $5*16777216+$6*65536+$7*256+$8}')
[ "$dims" = "1920x1080" ] || { echo "smoke test: picture is $dims, not 1920x1080" >&2; exit 1; }
bytes=$(stat -c %s "$png")
[ "$bytes" -gt 51200 ] || { echo "smoke test: PNG is only $bytes bytes (blank?)" >&2; exit 1; }
if [ -n "$checker" ]; then
  QT_QPA_PLATFORM=offscreen "$checker" "$(dirname "$0")/check_smoke_png.py" "$png"
fi
printf 'smoke test: OK (%s, %s bytes, export %.1f s, no Python on PATH)\n' "$dims" "$bytes" \
  "$(awk -v a="$start" -v b="$end" 'BEGIN{print b-a}')"
