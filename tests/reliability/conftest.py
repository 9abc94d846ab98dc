"""Shared pieces of the reliability tests: starting a server in a
subprocess on 127.0.0.1 that is always stopped."""
import os
import sys

import pytest
from server_process import start_server


@pytest.fixture
def server_process(tmp_path):
    """Start a server command that binds port 0 of 127.0.0.1 in a
    subprocess (see ``tests/server_process.py``), and return it once it
    listens: ``server.port`` is its port. The server (and its workers) is
    stopped after the test, passed or failed; its output goes to a log
    file shown if it fails to start.

    Usage: ``server_process(argv, cwd=..., env={...})``.
    """
    started = []

    def start(argv, cwd=None, env=None):
        full_env = dict(os.environ, PYTHONUNBUFFERED="1", **(env or {}))
        server = start_server(
            f"server{len(started)}", argv, tmp_path, cwd=cwd, env=full_env, ready_path=None
        )
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def python():
    """The interpreter running the tests (the project's .venv)."""
    return sys.executable
