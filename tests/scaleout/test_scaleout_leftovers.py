"""A run of the cluster test that crashed (its test process killed) leaves
its servers running; the next run stops them and removes their folder,
and leaves the folders of runs still going alone."""
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from cluster import PREFIX, remove_leftovers
from server_process import mark_owner

pytestmark = pytest.mark.slow

#: How long a process of our own may take to start or to die.
PROCESS_TIMEOUT = 10


def wait_for_command_line(pid, marker):
    """Wait until ``/proc/<pid>/cmdline`` holds ``marker``. Popen returns
    once the child has begun its exec, and for a moment after that the
    kernel still reports an empty command line: a server of a crashed run
    has been running for a while, so the fake one must be past that too."""
    deadline = time.monotonic() + PROCESS_TIMEOUT
    while marker not in Path(f"/proc/{pid}/cmdline").read_bytes():
        assert time.monotonic() < deadline, f"process {pid} never showed its command line"
        time.sleep(0.01)


@pytest.fixture
def fake_run():
    """Make a run folder with the given ``owner.pid`` text (None: marked
    by this process), and a process whose command line names the folder,
    as gunicorn's and nginx's do. Every process it started is killed and
    waited for at the end."""
    servers = []

    def make(owner):
        folder = Path(tempfile.mkdtemp(prefix=PREFIX))
        if owner is None:
            mark_owner(folder)
        else:
            (folder / "owner.pid").write_text(owner)
        config = folder / "app1" / "x.conf"
        server = subprocess.Popen(
            [sys.executable, "-c", "import time; time.sleep(60)", str(config)],
            start_new_session=True,
        )
        servers.append(server)
        wait_for_command_line(server.pid, str(config).encode())
        return folder, server

    yield make
    for server in servers:
        server.kill()
        server.wait(PROCESS_TIMEOUT)


def dead_pid():
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_leftovers_of_a_crashed_run_are_removed(fake_run):
    folder, server = fake_run(f"{dead_pid()} 1")
    remove_leftovers()
    assert server.wait(PROCESS_TIMEOUT) == -9
    assert not folder.exists()


def test_an_owner_pid_taken_by_another_process_counts_as_dead(fake_run):
    """After a reboot a crashed run's PID may belong to something else:
    the start time written with it tells them apart."""
    folder, server = fake_run(f"{os.getpid()} 1")
    remove_leftovers()
    assert server.wait(PROCESS_TIMEOUT) == -9
    assert not folder.exists()


def test_runs_still_going_are_left_alone(fake_run):
    folder, server = fake_run(None)
    try:
        remove_leftovers()
        assert server.poll() is None
        assert folder.exists()
    finally:
        (folder / "owner.pid").unlink()
        folder.rmdir()
