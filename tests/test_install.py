"""``pip install`` of the built wheel gives a working ``orbitviz export`` console script.

A fresh venv (no pip) in a temporary folder gets orbitviz from the wheel, and sees its
dependencies (PySide6, skyfield, …) through a ``.pth`` line naming the project venv's
site-packages (installing PySide6 afresh would take minutes). A plain path line in a ``.pth``
does not run the ``.pth`` files of that folder, so the checkout's editable install stays
invisible: orbitviz must come from the new venv, with its assets from the wheel. The console
script runs from a temporary working folder with a bare environment (no DISPLAY: the CLI starts
its own Xvfb), and its picture must match the checkout's own render of the same moment.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
WIDTH, HEIGHT = 640, 360
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

needs_xvfb = pytest.mark.skipif(shutil.which("Xvfb") is None, reason="needs Xvfb")


def _bare_env(home: Path) -> dict:
    """No DISPLAY, no PYTHONPATH, no venv on PATH: what a user's login shell might give."""
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8"}


def _pixels(path: Path) -> np.ndarray:
    """The PNG as an (H, W, 3) uint8 RGB array."""
    from PySide6.QtGui import QImage

    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    assert not image.isNull()
    h, w, bpl = image.height(), image.width(), image.bytesPerLine()
    raw = np.frombuffer(image.constBits(), np.uint8, count=h * bpl).reshape(h, bpl)
    bgra = raw[:, : w * 4].reshape(h, w, 4)
    return bgra[..., 2::-1].copy()


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(venv folder, its site-packages) with orbitviz installed from a freshly built wheel."""
    base = tmp_path_factory.mktemp("install")
    wheels = base / "wheels"
    p = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w",
                        str(wheels), str(ROOT)], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    (wheel,) = wheels.glob("orbitviz-*.whl")

    venv = base / "venv"
    p = subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    new_python = venv / "bin" / "python"
    # orbitviz first, and only then the dependencies' path: pip must see no orbitviz already
    # installed (the checkout's editable one lives in the project venv's site-packages)
    p = subprocess.run([sys.executable, "-m", "pip", "--python", str(new_python), "install",
                        "-q", "--no-deps", "--no-index", str(wheel)],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    q = subprocess.run([str(new_python), "-c",
                        "import sysconfig; print(sysconfig.get_path('purelib'))"],
                       capture_output=True, text=True, timeout=60, env=_bare_env(base))
    assert q.returncode == 0, q.stderr
    site = Path(q.stdout.strip())
    deps = sysconfig.get_path("purelib")  # the project venv's site-packages (PySide6, …)
    (site / "orbitviz-test-deps.pth").write_text(deps + "\n")
    return venv, site


def test_console_script_uses_the_new_venv(installed, tmp_path):
    venv, site = installed
    script = venv / "bin" / "orbitviz"
    assert script.is_file()
    assert script.read_text().splitlines()[0] == f"#!{venv / 'bin' / 'python'}"
    code = ("import json, orbitviz, PySide6; "
            "from orbitviz.core.assets import data_root, resource_path; "
            "print(json.dumps([orbitviz.__file__, str(data_root()), PySide6.__file__, "
            "str(resource_path('icons', 'orbitviz.png'))]))")
    p = subprocess.run([str(venv / "bin" / "python"), "-c", code], capture_output=True,
                       text=True, timeout=60, cwd=tmp_path, env=_bare_env(tmp_path))
    assert p.returncode == 0, p.stderr
    module_file, root, pyside, icon = json.loads(p.stdout)
    print("orbitviz imported from", module_file)
    assert module_file == str(site / "orbitviz" / "__init__.py")
    assert root == str(site / "orbitviz" / "_data")          # the wheel's copy, not the checkout
    assert not module_file.startswith(str(ROOT) + "/orbitviz")
    assert pyside.startswith(sysconfig.get_path("purelib"))  # dependencies through the .pth
    # the app icon travels with the wheel: a 256 × 256 PNG
    data = Path(icon).read_bytes()
    assert icon.startswith(root) and data[:8] == PNG_SIGNATURE
    assert (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")) == (256, 256)


def test_desktop_entry_and_appstream_metadata_agree():
    """The desktop entry launches the console script with the installed icon name, and the
    AppStream component names that entry, the MIT licence and the binary."""
    import configparser
    import xml.etree.ElementTree as ET

    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(ROOT / "resources" / "orbitviz.desktop", encoding="utf-8")
    de = entry["Desktop Entry"]
    assert (de["Type"], de["Exec"], de["Icon"], de["Terminal"]) == (
        "Application", "orbitviz", "orbitviz", "false")
    assert {"Education", "Science", "Astronomy"} <= set(filter(None, de["Categories"].split(";")))
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert de["Exec"].split()[0] in scripts

    comp = ET.parse(ROOT / "resources" / "io.github.orbitviz.metainfo.xml").getroot()
    assert comp.get("type") == "desktop-application"
    assert comp.findtext("id") == "io.github.orbitviz"
    assert comp.findtext("project_license") == "MIT"
    assert comp.findtext("launchable") == "io.github.orbitviz.desktop"
    assert comp.findtext("provides/binary") == "orbitviz"
    assert comp.find("content_rating").get("type").startswith("oars-")
    shots = [img.text for img in comp.iter("image")]
    assert shots and all(
        (ROOT / "docs" / "images" / s.rsplit("/", 1)[-1]).is_file() for s in shots)


@needs_xvfb
def test_installed_export_matches_the_checkout(installed, tmp_path):
    venv, _ = installed
    cwd = tmp_path / "work"
    (cwd / "out").mkdir(parents=True)
    args = ["export", "--at", "docking", "--size", f"{WIDTH}x{HEIGHT}", "--out"]
    p = subprocess.run([str(venv / "bin" / "orbitviz"), *args, "out/docking.png"],
                       capture_output=True, text=True, timeout=120, cwd=cwd,
                       env=_bare_env(tmp_path))
    assert p.returncode == 0, p.stderr
    got = _pixels(cwd / "out" / "docking.png")
    assert got.shape == (HEIGHT, WIDTH, 3)

    # the picture: space in the top-left corner, the lit Earth (Asia at docking) in the middle
    luma = got @ np.array([0.299, 0.587, 0.114])
    corner = luma[: HEIGHT // 8, : WIDTH // 10]
    middle = luma[HEIGHT // 3: 2 * HEIGHT // 3, WIDTH // 3: 2 * WIDTH // 3]
    assert corner.mean() < 25.0, corner.mean()
    assert middle.mean() > 50.0, middle.mean()
    assert middle.std() > 10.0, middle.std()  # textured land and sea, not a flat fill

    # and the same picture the checkout makes (llvmpipe is deterministic; allow a little)
    ref = tmp_path / "ref.png"
    r = subprocess.run([sys.executable, "-m", "orbitviz", *args, str(ref)],
                       capture_output=True, text=True, timeout=120, cwd=ROOT,
                       env=_bare_env(tmp_path))
    assert r.returncode == 0, r.stderr
    diff = np.abs(got.astype(np.int16) - _pixels(ref).astype(np.int16))
    assert diff.mean() < 1.0, diff.mean()
