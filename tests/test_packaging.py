"""The asset lookup works from a source checkout and from an installed wheel."""

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_source_checkout_finds_the_assets():
    from orbitviz.core.assets import asset_path, data_root

    assert data_root() == ROOT
    assert asset_path("mission", "soyuz-ms-19.toml").is_file()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    p = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out),
                        str(ROOT)], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    (whl,) = out.glob("orbitviz-*.whl")
    return whl


def test_wheel_carries_assets_and_no_tests(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    tles = [n for n in names if n.startswith("orbitviz/_data/assets/tle/")]
    assert len(tles) == 10
    assert "orbitviz/_data/assets/mission/soyuz-ms-19.toml" in names
    assert not [n for n in names if n.startswith(("tests/", "bench/", "tools/"))]


def test_installed_wheel_runs_the_cli_from_its_own_data(wheel, tmp_path):
    target = tmp_path / "site"
    p = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
                        str(target), str(wheel)], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    code = ("import json, sys, orbitviz; from orbitviz.core.assets import data_root; "
            "from orbitviz.cli.main import main; "
            "print(json.dumps([orbitviz.__file__, str(data_root())]), file=sys.stderr); "
            "sys.exit(main(['state', '--at', 'docking', '--json']))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, cwd=tmp_path, env={"PYTHONPATH": str(target),
                                                         "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr
    module_file, data_root = json.loads(run.stderr.strip().splitlines()[-1])
    assert module_file.startswith(str(target))
    assert data_root == str(target / "orbitviz" / "_data")
    assert set(json.loads(run.stdout)["objects"]) == {"iss", "soyuz-ms-19", "soyuz-ms-18"}
