"""``make run`` as a newcomer meets it: on a fresh copy of the repository,
it installs the runtime only, serves the example on the address asked
for, and says once what it set up for the demo.
"""
import os
import shutil
import sys
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from server_process import start_server

REPO = Path(__file__).resolve().parent.parent

#: What the runtime is: flask.py's three libraries and MarkupSafe
#: (Jinja2's), beside the installers a new virtualenv has. flask.py itself
#: is on the path through a .pth file, not an installed distribution.
RUNTIME = {"werkzeug", "jinja2", "itsdangerous", "markupsafe"}
INSTALLERS = {"pip", "setuptools", "wheel"}


@pytest.fixture
def fresh_clone(tmp_path):
    """The repository's tracked files (as they are in the worktree),
    without .venv or anything built."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, check=True,
                           capture_output=True).stdout.decode().split("\0")
    for name in filter(None, files):
        source = REPO / name
        if source.is_file():
            target = tmp_path / "clone" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return tmp_path / "clone"


#: What the caller's environment must not pass on to make run.
MAKE_RUN_UNSET = ("SECRET_KEY", "DEBUG", "FLASKR_USERNAME", "FLASKR_PASSWORD",
                  "VIRTUAL_ENV", "MAKEFLAGS", "MAKELEVEL")


def make(*args, cwd, **popen):
    env = {k: v for k, v in os.environ.items() if k not in MAKE_RUN_UNSET}
    return subprocess.Popen(["make", *args], cwd=cwd, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True, **popen)


def test_make_run_with_an_unknown_app_lists_the_valid_ones():
    proc = make("-s", "run", "APP=flaskrr", cwd=REPO)
    output, _ = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert "unknown APP 'flaskrr'" in output
    assert "hello flaskr minitwit" in output
    assert "Serving" not in output


@pytest.fixture
def taken_port():
    """A port of 127.0.0.1 on which another program listens."""
    import socket

    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield other.getsockname()[1]


def make_run_on_a_taken_port(port):
    """The output of ``make run`` told to serve on ``port``, and its exit
    status."""
    proc = make("run", "APP=hello", f"PORT={port}", cwd=REPO)
    output, _ = proc.communicate(timeout=60)
    return output, proc.returncode


def test_make_run_on_a_taken_port_fails_with_a_message_naming_PORT(taken_port):
    output, status = make_run_on_a_taken_port(taken_port)
    assert status != 0
    assert f"127.0.0.1:{taken_port}" in output and "in use" in output, output
    assert "PORT=" in output, output


def test_make_run_on_a_taken_port_does_not_say_it_is_serving(taken_port):
    output, _ = make_run_on_a_taken_port(taken_port)
    assert "Serving" not in output, output
    assert "Running on" not in output, output


def test_make_run_says_nothing_about_its_runtime_being_up_to_date(tmp_path):
    # The runtime is there and up to date, as on every start after the
    # first; make run must not tell make's own news about it.
    subprocess.run(["make", "-s", ".venv/.runtime"], cwd=REPO, check=True,
                   env={k: v for k, v in os.environ.items() if k not in MAKE_RUN_UNSET})
    env = {k: v for k, v in os.environ.items() if k not in MAKE_RUN_UNSET}
    server = start_server(
        "make-run-hello", lambda port: ["make", "run", "APP=hello", f"PORT={port}"],
        tmp_path, cwd=REPO, env=env)
    try:
        with urllib.request.urlopen(server.url + "/", timeout=5) as rv:
            assert rv.read() == b"Hello World!"
    finally:
        server.stop()
    output = server.log_path.read_text()
    assert "Serving examples/hello.py" in output, output
    assert "up to date" not in output and "make[" not in output, output


@pytest.mark.slow
def test_make_run_on_a_fresh_clone_installs_the_runtime_only_and_serves(
        fresh_clone, tmp_path, figure):
    started = time.monotonic()
    env = {k: v for k, v in os.environ.items() if k not in MAKE_RUN_UNSET}
    # make run takes the port on its command line; start_server checks that
    # the server it started is the one listening there.
    server = start_server(
        "make-run",
        lambda port: ["make", "run", "APP=flaskr", f"PORT={port}", "HOST=127.0.0.2"],
        tmp_path, cwd=fresh_clone, env=env, host="127.0.0.2", timeout=300,
    )
    url = f"http://127.0.0.2:{server.port}/"
    try:
        with urllib.request.urlopen(url, timeout=5) as rv:
            page = rv.read().decode()
        figure(f"make run APP=flaskr on a fresh clone: serving after"
               f" {time.monotonic() - started:.1f} s")
        assert "No entries here so far" in page
    finally:
        server.stop()
    output = server.log_path.read_text()

    assert output.count("Serving") == 1, output
    assert f"Serving examples/flaskr/flaskr.py on {url}" in output
    assert "DEBUG=1 and a development SECRET_KEY" in output
    assert "Log in as admin, password default." in output
    assert "point your browser" not in output

    python = str(fresh_clone / ".venv" / "bin" / "python")
    found = subprocess.run([python, "-c", "import flask; print(flask.__file__)"],
                           cwd="/", capture_output=True, text=True, check=True).stdout
    assert Path(found.strip()) == fresh_clone / "flask.py"
    # The venv may have no pip of its own (see the Makefile): ask the
    # system's pip about it.
    listed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", python, "list",
         "--format=freeze", "--disable-pip-version-check"],
        capture_output=True, text=True, check=True).stdout
    installed = {line.split("==")[0].lower() for line in listed.split()}
    figure(f"make run installed {len(installed)} packages: {sorted(installed)}")
    assert RUNTIME <= installed
    assert installed - RUNTIME - INSTALLERS == set()
