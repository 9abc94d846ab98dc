"""Shared pieces of the reliability tests: starting a server in a
subprocess on 127.0.0.1 that is always stopped."""
import os
import socket
import subprocess
import sys
import time

import pytest


def wait_for_port(port, process, timeout=30.0):
    """Wait until something accepts connections on 127.0.0.1:``port``;
    fail early if ``process`` exits first, and after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with status {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listened on port {port} after {timeout} s")


@pytest.fixture
def server_process(tmp_path):
    """Start a server command in a subprocess and wait for its port; the
    process (and its children, in their own process group) is stopped
    after the test, passed or failed. Its output goes to a log file whose
    tail is shown if it fails to start.

    Usage: ``server_process(argv, port, cwd=..., env={...})``.
    """
    started = []

    def start(argv, port, cwd=None, env=None):
        log_path = tmp_path / f"server{len(started)}.log"
        log = open(log_path, "wb")
        full_env = dict(os.environ, PYTHONUNBUFFERED="1", **(env or {}))
        process = subprocess.Popen(
            argv, cwd=cwd, env=full_env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started.append((process, log))
        try:
            wait_for_port(port, process)
        except AssertionError as e:
            log.flush()
            raise AssertionError(f"{e}; log:\n{log_path.read_text(errors='replace')[-3000:]}")
        process.log_path = log_path
        return process

    yield start
    for process, log in started:
        if process.poll() is None:
            # The whole group: gunicorn's workers are the master's children.
            os.killpg(process.pid, 15)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)
                process.wait(10)
        log.close()


@pytest.fixture
def python():
    """The interpreter running the tests (the project's .venv)."""
    return sys.executable
