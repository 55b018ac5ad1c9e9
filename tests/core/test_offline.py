"""Nothing is downloaded, ever: the whole model and the CLI run with sockets refused."""

import subprocess
import sys

GUARD = r"""
import socket, sys
def refuse(*args, **kwargs):
    raise RuntimeError("network access attempted")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
from orbitviz.cli.main import main
sys.exit(main(["state", "--at", "T+01:00:00", "--json"]))
"""


def test_runs_offline_and_writes_nothing(tmp_path):
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    p = subprocess.run([sys.executable, "-c", GUARD], capture_output=True, text=True,
                       timeout=120, cwd=tmp_path, env=env)
    assert p.returncode == 0, p.stderr
    assert '"objects"' in p.stdout
    assert "network access attempted" not in p.stderr
    assert list(tmp_path.iterdir()) == []  # no downloaded files, no caches in the CWD
