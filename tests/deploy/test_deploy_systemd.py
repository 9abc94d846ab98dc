"""Flaskr (examples/flaskr) on gunicorn under systemd socket activation,
from the units and the Procfile the section "systemd and socket
activation" of docs/deployment.rst shows (configs/flaskr.socket,
configs/flaskr.service, configs/Procfile).

No systemd runs the tests, so its part is played by
``systemd-socket-activate`` (Debian's systemd package): it listens on the
socket unit's ListenStream address and, when the first connection
arrives, becomes the service's ExecStart command with the socket as file
descriptor 3 and LISTEN_FDS=1, LISTEN_PID=its own PID, which is what
gunicorn looks for (gunicorn.systemd.listen_fds) and what systemd itself
hands over. Like a systemd service it gets a clean environment: only the
variables it is told to pass (-E), here those of the unit's
EnvironmentFile and Environment lines, so the secrets reach Flaskr the
way they would under systemd and nowhere else.

What the test runs is read from the docs' files: the address (with a
free port of 127.0.0.1), the working folder, the environment, the
ExecStartPre and ExecStart command lines, word for word. The example
paths are the test's own (see conftest.py).
"""
import os
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import time
from pathlib import Path

import deploy_checks as checks
import pytest
from conftest import CONFIGS, REPO, VENV_BIN, fill_config
from server_process import find_program, listening_ports, make_dir, start_server

CHAPTER = REPO / "docs" / "deployment.rst"

#: Flaskr's settings that are secrets: they belong in the environment
#: file, never in a unit.
SECRETS = ("SECRET_KEY", "FLASKR_USERNAME", "FLASKR_PASSWORD")

#: How long the first request may take: gunicorn starts behind it.
FIRST_REQUEST_TIMEOUT = 30


# -- what the docs show ---------------------------------------------------


def shown_in_docs(name):
    """The text of configs/``name`` as the deployment chapter shows it:
    included whole, not in part."""
    chapter = CHAPTER.read_text(encoding="utf-8")
    match = re.search(
        rf"^\.\. literalinclude:: \.\./tests/deploy/configs/{re.escape(name)}\n"
        r"((?:   :\S+:.*\n)*)", chapter, re.M)
    assert match, f"docs/deployment.rst does not include configs/{name}"
    options = re.findall(r":(\S+):", match.group(1))
    partial = set(options) & {"lines", "start-after", "end-before", "start-at",
                              "end-at", "pyobject"}
    assert not partial, f"configs/{name} is shown only in part ({sorted(partial)})"
    return (CONFIGS / name).read_text()


def parse_unit(text):
    """A unit file as {section: [(key, value), ...]}: comments dropped,
    a line ending in a backslash joined with the next (by a space), as
    systemd reads it."""
    text = re.sub(r"\\\n\s*", " ", text)
    sections, current = {}, None
    for line in text.splitlines():
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), [])
            continue
        key, _, value = line.partition("=")
        current.append((key.strip(), value.strip()))
    return sections


def values(section, key):
    return [value for name, value in section if name == key]


def only(section, key):
    found = values(section, key)
    assert len(found) == 1, f"{key}: {found}"
    return found[0]


def command_line(value):
    """An Exec line's words. systemd splits them as the shell does for
    the plain words and quotes used here; it also expands $VARIABLES and
    %-specifiers and reads a lone ";" as the end of a command, which
    shlex does not: a command with any of them would not run here as it
    does under systemd, so there must be none."""
    assert not re.search(r"[$%\\]", value), value
    words = shlex.split(value)
    # A lone ";" separates commands for systemd (inside quotes it is text).
    assert ";" not in words, words
    return words


# -- the service, as the test runs it --------------------------------------


@pytest.fixture(scope="module")
def site(run_dir):
    """The docs' service unit filled in with the test's folders, a copy
    of examples/flaskr, the environment file and the state folder."""
    base = make_dir(run_dir / "systemd")
    app = base / "srv-flaskr"
    shutil.copytree(REPO / "examples" / "flaskr", app,
                    ignore=shutil.ignore_patterns("__pycache__", "*.db", "*_tests.py"))
    state = make_dir(base / "var-lib-flaskr")
    env_file = base / "etc-flaskr-env"
    # What an administrator puts into /etc/flaskr/env: readable by root
    # (here: the test's user) alone.
    env_file.write_text(
        f"SECRET_KEY={secrets.token_hex()}\n"
        "FLASKR_USERNAME=editor\n"
        f"FLASKR_PASSWORD={secrets.token_urlsafe(16)}\n")
    env_file.chmod(0o600)
    for name in ("flaskr.socket", "flaskr.service", "Procfile"):
        shown_in_docs(name)
    values_ = dict(flaskr_venv=VENV_BIN.parent, flaskr=app, flaskr_state=state,
                   flaskr_env=env_file)
    return {
        "base": base,
        "app": app,
        "state": state,
        "env_file": env_file,
        "values": values_,
        "service": parse_unit(fill_config("flaskr.service", base, **values_).read_text()),
        "procfile": (CONFIGS / "Procfile").read_text(),
    }


def read_env_file(path):
    """NAME=value lines, as systemd's EnvironmentFile= reads them."""
    pairs = {}
    for line in Path(path).read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            pairs[name.strip()] = value
    return pairs


def service_environment(service):
    """The variables the service's processes get from the unit: those of
    its EnvironmentFile and its Environment lines."""
    env = {}
    for path in values(service, "EnvironmentFile"):
        env.update(read_env_file(path))
    for assignment in values(service, "Environment"):
        for word in shlex.split(assignment):
            name, _, value = word.partition("=")
            env[name] = value
    return env


def socket_activate(site, port, env, tag):
    """Start ``systemd-socket-activate`` as the units say: listening on
    the socket unit's address (port ``port``), in the service's working
    folder, passing on exactly ``env`` (by name: the values stay off its
    command line), then running ExecStart. Returns the argv."""
    unit = parse_unit(fill_config("flaskr.socket", make_dir(site["base"] / tag),
                                  port=port).read_text())
    listen = only(unit["Socket"], "ListenStream")
    argv = [find_program("systemd-socket-activate"), "--listen", listen]
    for name in sorted(env):
        argv += ["-E", name]
    return argv + command_line(only(site["service"]["Service"], "ExecStart"))


@pytest.fixture
def activator(site, require):
    """A function that starts ``systemd-socket-activate`` as the units
    say (see start_activator)."""
    require(find_program("systemd-socket-activate"),
            "systemd-socket-activate is not installed (Debian package systemd)")
    return lambda env, tag: start_activator(site, env, tag)


def start_activator(site, env, tag):
    """The activator listening (it answers nothing by itself: ready_path
    None); gunicorn not started yet. ``env`` becomes its environment."""
    folder = make_dir(site["base"] / tag)
    server = start_server(
        tag, lambda port: socket_activate(site, port, env, tag), folder,
        ready_path=None, cwd=only(site["service"]["Service"], "WorkingDirectory"),
        env={**env, "PATH": os.environ["PATH"]})
    return server


def run_exec_start_pre(site, env):
    """The ExecStartPre lines, in order, as the service's user would run
    them: in its working folder with its environment."""
    service = site["service"]["Service"]
    for line in values(service, "ExecStartPre"):
        subprocess.run(command_line(line), cwd=only(service, "WorkingDirectory"),
                       env=env, check=True, timeout=60)


def process_name(pid):
    return Path(f"/proc/{pid}/comm").read_text().strip()


def listening_inodes(pid):
    """The socket inodes among the file descriptors of process ``pid``."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def raw_get(sock, path="/"):
    """Send a GET on a connected socket and read the answer to its end."""
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                 .encode("ascii"))
    data = bytearray()
    while chunk := sock.recv(65536):
        data += chunk
    return bytes(data)


# -- the units ----------------------------------------------------------------


def test_socket_unit_listens_on_loopback_only(site):
    unit = parse_unit(shown_in_docs("flaskr.socket"))
    assert only(unit["Socket"], "ListenStream") == "127.0.0.1:8000"
    # One gunicorn gets the listening socket itself, not one process per
    # connection (Accept=yes would be inetd's way).
    assert values(unit["Socket"], "Accept") in ([], ["no"])
    assert only(unit["Install"], "WantedBy") == "sockets.target"


def test_service_unit_runs_as_its_own_user_with_secrets_from_a_file(site):
    unit = parse_unit(shown_in_docs("flaskr.service"))
    service = unit["Service"]
    assert only(unit["Unit"], "Requires") == "flaskr.socket"
    user = only(service, "User")
    assert user not in ("", "root", "0") and only(service, "Group") == user
    # gunicorn tells systemd when it is ready (sd_notify READY=1).
    assert only(service, "Type") == "notify"
    assert only(service, "EnvironmentFile") == "/etc/flaskr/env"
    inline = service_environment([item for item in service if item[0] == "Environment"])
    assert not set(inline) & set(SECRETS), inline
    # Nothing turns debug mode on: not the unit, not its command lines.
    text = shown_in_docs("flaskr.service") + shown_in_docs("Procfile")
    assert "debug" not in text.lower()
    assert only(service, "KillMode") == "mixed"
    # systemd's stop timeout leaves gunicorn its graceful_timeout (30 s).
    assert int(only(service, "TimeoutStopSec")) > 30


def test_service_unit_hardening_is_known_to_systemd(site, tmp_path, require):
    # systemd-analyze reads the units as systemd would (with the test's
    # paths, which exist) and names every key it does not know; its
    # security report rates the sandbox.
    analyze = find_program("systemd-analyze")
    require(analyze, "systemd-analyze is not installed (Debian package systemd)")
    units = [fill_config(name, tmp_path, port=8000, **site["values"])
             for name in ("flaskr.socket", "flaskr.service")]
    verify = subprocess.run([analyze, "verify", "--man=no", *units],
                            capture_output=True, text=True, timeout=60)
    assert verify.returncode == 0, verify.stderr
    assert "Unknown" not in verify.stderr and "ignoring" not in verify.stderr, verify.stderr
    security = subprocess.run([analyze, "security", "--offline=true", units[1]],
                              capture_output=True, text=True, timeout=60)
    level = re.search(r"Overall exposure level for \S+: ([\d.]+) (\w+)", security.stdout)
    assert level, security.stdout + security.stderr
    assert float(level.group(1)) < 4.0 and level.group(2) in ("SAFE", "OK"), level.group()


def test_procfile_runs_the_same_command_as_the_service(site):
    procfile = [line for line in shown_in_docs("Procfile").splitlines() if line.strip()]
    assert len(procfile) == 1 and procfile[0].startswith("web: "), procfile
    procfile_argv = command_line(procfile[0][len("web: "):])
    service = parse_unit(shown_in_docs("flaskr.service"))["Service"]
    exec_argv = command_line(only(service, "ExecStart"))
    # The same words; systemd wants the program's full path, a Procfile
    # finds it on the PATH of the environment it runs in.
    assert exec_argv[0] == "/srv/flaskr/.venv/bin/gunicorn"
    assert procfile_argv == ["gunicorn", *exec_argv[1:]]
    # No address of its own: under systemd the socket decides; under a
    # Procfile runner gunicorn listens on the PORT that runner sets.
    assert not any(word.startswith(("-b", "--bind")) for word in exec_argv)


# -- running it -----------------------------------------------------------------


def test_first_request_is_served_on_the_socket_handed_over(site, activator, figure):
    env = service_environment(site["service"]["Service"])
    assert set(SECRETS) <= set(env)
    run_exec_start_pre(site, env)
    assert (site["state"] / "flaskr.db").exists()
    server = activator(env, "activated")
    try:
        # The port listens, and gunicorn does not run yet: the socket is
        # the activator's, made before gunicorn existed.
        assert process_name(server.pid) == "systemd-socket-"
        before = listening_inodes(server.pid)
        assert listening_ports(server.pid) == {server.port}
        started = time.monotonic()
        with socket.create_connection((server.host, server.port),
                                      timeout=FIRST_REQUEST_TIMEOUT) as first:
            # Connected while no gunicorn runs: the kernel queued it.
            answer = raw_get(first)
        served = time.monotonic() - started
        assert answer.startswith(b"HTTP/1.1 200 OK\r\n"), answer[:300]
        assert b"<title>Flaskr</title>" in answer
        # The same process is gunicorn now (the activator became it), and
        # it listens on the socket it was given and on nothing else.
        assert "gunicorn" in Path(f"/proc/{server.pid}/cmdline").read_text()
        assert before & listening_inodes(server.pid)
        assert listening_ports(server.pid) == {server.port}
        figure(f"first request, queued before gunicorn started, answered after {served:.2f}s")
        # The secrets reached Flaskr: the login from the environment file
        # works, and its session lasts.
        browser = checks.Browser()
        logged_in = browser.request(server.url + "/login", form={
            "username": env["FLASKR_USERNAME"], "password": env["FLASKR_PASSWORD"]})
        assert logged_in.status == 302
        assert "You were logged in" in browser.follow(logged_in).text
        wrong = checks.Browser().request(server.url + "/login", form={
            "username": env["FLASKR_USERNAME"], "password": "not the password"})
        assert "Invalid username or password" in wrong.text
        checks.check_listens_on_loopback_only(server.url)
    finally:
        server.stop()
    log = server.log_path.read_text()
    assert f"Listening at: http://{server.host}:{server.port}" in log, log


def test_without_the_environment_file_the_service_does_not_start(site, activator):
    # The unit carries no secret: without its EnvironmentFile's
    # variables, ExecStartPre (which imports Flaskr) fails with Flaskr's
    # message, and systemd does not go on to ExecStart.
    env = {name: value for name, value in service_environment(site["service"]["Service"])
           .items() if name not in SECRETS}
    service = site["service"]["Service"]
    for line in values(service, "ExecStartPre"):
        pre = subprocess.run(command_line(line), cwd=only(service, "WorkingDirectory"),
                             env=env, capture_output=True, text=True, timeout=60)
        assert pre.returncode != 0
        assert "flaskr: set SECRET_KEY, FLASKR_USERNAME, FLASKR_PASSWORD" in pre.stderr
    # That check is what makes the failure visible: gunicorn started
    # anyway would stay up, replacing each worker that exits with the
    # same message, and answer nothing. Waited for as it happens: both
    # first workers and at least one replacement have failed (three
    # messages in gunicorn's log), bounded, however long a loaded machine
    # takes to start them.
    server = activator(env, "no-secrets")
    try:
        with socket.create_connection((server.host, server.port),
                                      timeout=FIRST_REQUEST_TIMEOUT) as first:
            first.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            deadline = time.monotonic() + FIRST_REQUEST_TIMEOUT
            while (failures := server.log_path.read_text().count("flaskr: set SECRET_KEY")) < 3:
                assert server.process.poll() is None, server.log()
                assert time.monotonic() < deadline, f"{failures} failures:\n{server.log()}"
                time.sleep(0.1)
            # Still up, and the connection is still waiting: not a byte
            # of answer, not closed.
            assert server.process.poll() is None, server.log()
            first.setblocking(False)
            with pytest.raises(BlockingIOError):
                first.recv(1)
    finally:
        server.stop()
