"""The one way the tests start a server in a process of its own and stop it.

A server either binds port 0 (the system picks a free port) or, for the
servers that refuse port 0 (nginx, Apache), is given a port the system
just reported free. Either way the port used is the one the operating
system says the server's processes listen on (read from /proc), never a
guess: a port another program took in between makes the server fail to
bind, and it is started again on another port.

``start_server`` returns a :class:`ServerProcess`; ``ServerProcess.stop``
is the only way the tests stop one.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

#: How long a server may take to listen and answer its first request.
START_TIMEOUT = 30
#: How long a server may take to stop before it is killed.
STOP_TIMEOUT = 10
#: How many ports a server that needs an explicit one is offered.
PORT_ATTEMPTS = 5

_LISTEN = "0A"


def find_program(name):
    """The path of a system program, also looking in the sbin folders that
    are not on every user's PATH (Debian puts apache2 and nginx there)."""
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")


def make_dir(path):
    """Create a folder that the web servers' users (www-data) can enter
    and read."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o755)
    return path


def _start_time(pid):
    """When process ``pid`` started (clock ticks since boot, from
    /proc/<pid>/stat), or None if there is no such running process. A
    zombie counts as gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces: split after it.
    fields = stat[stat.rindex(")") + 2:].split()
    return None if fields[0] == "Z" else fields[19]


def mark_owner(folder):
    """Write ``owner.pid`` into a run folder: this process's PID and start
    time, so that :func:`owner_alive` is not fooled by another process
    that got the same PID later (after a reboot, PIDs start again)."""
    Path(folder, "owner.pid").write_text(f"{os.getpid()} {_start_time(os.getpid())}")


def owner_alive(folder):
    """Whether the process that marked ``folder`` (:func:`mark_owner`) is
    still running. A folder without a readable mark has no owner."""
    try:
        pid, started = Path(folder, "owner.pid").read_text().split()
    except (OSError, ValueError):
        return False
    return _start_time(pid) == started


def _proc_address(host):
    """An IPv4 address as /proc/net/tcp writes it (127.0.0.1 is 0100007F)."""
    return socket.inet_aton(host)[::-1].hex().upper()


def _session_pids(sid):
    """The processes of session ``sid``: a server started by us and every
    worker it forked (servers are started in a session of their own)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name (field 2) may hold spaces: split after it.
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[3]) == sid:
            pids.append(int(entry.name))
    return pids


def listening_ports(sid, host="127.0.0.1"):
    """The TCP ports on ``host`` that the processes of session ``sid``
    listen on, as the kernel reports them."""
    inodes = set()
    for pid in _session_pids(sid):
        try:
            fds = list(Path(f"/proc/{pid}/fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            match = re.fullmatch(r"socket:\[(\d+)\]", target)
            if match:
                inodes.add(match.group(1))
    ports = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        address, port = fields[1].split(":")
        if fields[3] == _LISTEN and address == _proc_address(host) and fields[9] in inodes:
            ports.add(int(port, 16))
    return ports


def port_reported_free(host="127.0.0.1"):
    """A port of ``host`` that nothing listens on right now, for the
    servers that cannot bind port 0. Whether the server got it is checked
    by :func:`start_server`."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class ServerProcess:
    """A server running in a session of its own, so that its workers can
    be stopped with it. ``port`` is the port it listens on, ``url`` where
    the application is mounted (no trailing slash)."""

    def __init__(self, name, argv, rundir, prefix="", cwd=None, env=None, host="127.0.0.1"):
        self.name = name
        self.host = host
        self.prefix = prefix
        self.rundir = Path(rundir)
        self.log_path = self.rundir / f"{name}.log"
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [str(part) for part in argv],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.pid = self.process.pid
        self.port = None
        self.url = None

    def log(self):
        """The server's console output, and the logs it wrote to its run
        folder, to explain a failure."""
        parts = []
        for path in sorted(self.rundir.glob("*.log")):
            text = path.read_text(errors="replace")[-4000:]
            parts.append(f"--- {path.name} ---\n{text}")
        return "\n".join(parts)

    def wait_listening(self, port=None, timeout=START_TIMEOUT):
        """Wait until the server listens on ``port`` (or, for None, on a
        port of its own choosing) and set ``port`` and ``url``. Return
        False if it exited first (a port taken by someone else), and fail
        with its log after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            ports = listening_ports(self.pid, self.host)
            if port in ports or (port is None and ports):
                # A server may open more than one port (a debugger, a
                # control socket): it is told which one is the HTTP one.
                assert port is not None or len(ports) == 1, (
                    f"{self.name} listens on several ports {sorted(ports)}")
                self.port = port if port is not None else ports.pop()
                self.url = f"http://{self.host}:{self.port}{self.prefix}"
                return True
            if self.process.poll() is not None:
                return False
            if time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"{self.name} did not listen within {timeout}s:\n{self.log()}")
            time.sleep(0.05)

    def wait_ready(self, path="/", timeout=START_TIMEOUT):
        """Wait until the server answers a GET of ``path`` with anything but
        a server error (a 502 from a web server means the application
        behind it is not up yet), or fail with its log after ``timeout``
        seconds or as soon as it exits."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                pytest.fail(
                    f"{self.name} exited with status {self.process.returncode}"
                    f" before serving:\n{self.log()}"
                )
            try:
                with urllib.request.urlopen(self.url + path, timeout=5):
                    return
            except urllib.error.HTTPError as error:
                error.close()
                if error.code < 500:
                    return
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"{self.name} did not answer within {timeout}s:\n{self.log()}")
            time.sleep(0.1)

    def stop(self):
        """Stop the server by its PID: SIGTERM, then SIGKILL if it is still
        running after STOP_TIMEOUT seconds; then kill whatever of its
        process group (its own workers) outlived it. Safe to call twice."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(STOP_TIMEOUT)
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self._log.close()


def start_server(name, command, rundir, prefix="", ready_path="/", cwd=None, env=None,
                 host="127.0.0.1", timeout=START_TIMEOUT, port=None):
    """Start a server and return it once it answers HTTP on ``host`` (a
    loopback address), within ``timeout`` seconds.

    ``command`` is the argv of a server that binds port 0, or a function
    that takes a port and returns the argv (after writing whatever config
    file needs that port) for a server that must be given one. With
    ``ready_path=None`` the server is only waited for until it listens
    (for servers that do not speak HTTP themselves).

    ``port`` is for a server started again where its clients already know
    it (a host of a cluster coming back): ``command`` is given that port,
    once, and the start fails if the server cannot listen on it.
    """
    if port is not None and not callable(command):
        raise TypeError("a port is given to a command that takes one")
    attempts = PORT_ATTEMPTS if callable(command) and port is None else 1
    for _ in range(attempts):
        if callable(command):
            wanted = port if port is not None else port_reported_free(host)
            argv = command(wanted)
        else:
            wanted, argv = None, command
        server = ServerProcess(name, argv, rundir, prefix=prefix, cwd=cwd, env=env, host=host)
        try:
            if server.wait_listening(wanted, timeout):
                if ready_path is not None:
                    server.wait_ready(ready_path, timeout)
                return server
        except BaseException:
            server.stop()
            raise
        server.stop()
    pytest.fail(
        f"{name} exited before listening (status {server.process.returncode}):\n{server.log()}"
    )
