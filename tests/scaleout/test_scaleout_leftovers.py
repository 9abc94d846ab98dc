"""A run of the cluster test that crashed (its test process killed) leaves
its servers running; the next run stops them and removes their folder,
and leaves the folders of runs still going alone."""
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from cluster import PREFIX, remove_leftovers

pytestmark = pytest.mark.slow


def fake_run(owner_pid):
    """A run folder owned by ``owner_pid``, with a process whose command
    line names the folder, as gunicorn's and nginx's do."""
    folder = Path(tempfile.mkdtemp(prefix=PREFIX))
    (folder / "owner.pid").write_text(str(owner_pid))
    server = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)", str(folder / "app1" / "x.conf")],
        start_new_session=True,
    )
    return folder, server


def dead_pid():
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_leftovers_of_a_crashed_run_are_removed():
    folder, server = fake_run(dead_pid())
    try:
        remove_leftovers()
        assert server.wait(10) == -9
        assert not folder.exists()
    finally:
        server.kill()


def test_runs_still_going_are_left_alone():
    folder, server = fake_run(os.getpid())
    try:
        remove_leftovers()
        assert server.poll() is None
        assert folder.exists()
    finally:
        server.kill()
        server.wait()
        (folder / "owner.pid").unlink()
        folder.rmdir()
