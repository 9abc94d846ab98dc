"""A throwaway PostgreSQL server for tests: a fresh cluster made with
``initdb`` in a temporary folder, listening on one loopback address over
TCP only, stopped and removed at the end.

Usage::

    from pgserver import PostgresServer, missing_reason

    reason = missing_reason()          # None when the binaries are there
    with PostgresServer(host='127.0.0.1') as server:
        connect(server.url)            # postgresql://postgres@127.0.0.1:PORT/postgres
        server.restart()               # fast shutdown, then start again

Debian's server binaries live in ``/usr/lib/postgresql/<version>/bin``, not
on PATH. ``initdb`` and ``postgres`` refuse to run as root, so when the
tests run as root the server runs as the ``postgres`` system user, which
cannot enter the 0700 folders of pytest or ``mkdtemp``: the server's folder
is made here, world-readable, under the system's temporary directory.
"""
from __future__ import annotations

import atexit
import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from server_process import PORT_ATTEMPTS, listening_ports, mark_owner, owner_alive, port_reported_free

BINDIRS = sorted(glob.glob('/usr/lib/postgresql/*/bin'), reverse=True)
# Every folder made here starts with this prefix, so that a later run can
# find and remove what a crashed run left behind.
PREFIX = 'flaskpy-pg-'
# Upper bound, in seconds, of a start or a stop.
WAIT = 30
# initdb takes seconds: a test process makes one cluster, the template, and
# every server it starts gets a copy of it.
_template: Path | None = None


def bindir() -> str | None:
    """The folder holding ``initdb`` and ``postgres`` (the newest version
    installed), or None."""
    for folder in BINDIRS:
        if os.access(os.path.join(folder, 'postgres'), os.X_OK):
            return folder
    found = shutil.which('postgres')
    return os.path.dirname(found) if found else None


def missing_reason() -> str | None:
    """Why no test server can start here (a sentence for a skip), or None
    when it can."""
    if bindir() is None:
        return ('PostgreSQL server binaries are missing'
                ' (apt-get install postgresql)')
    if os.geteuid() == 0:
        try:
            pwd.getpwnam('postgres')
        except KeyError:
            return 'running as root, and there is no postgres user to run the server as'
    return None


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie, exited but not yet waited
    for by its parent, does not)."""
    try:
        stat = Path(f'/proc/{pid}/stat').read_text()
    except OSError:
        return False
    # The state follows the command name, which is in parentheses.
    return stat.rpartition(')')[2].split()[0] != 'Z'


def _run_as(home: Path) -> dict:
    """Popen arguments that run a command as the ``postgres`` user when we
    are root, as ourselves otherwise."""
    if os.geteuid() != 0:
        return {}
    user = pwd.getpwnam('postgres')
    return {'user': user.pw_uid, 'group': user.pw_gid, 'extra_groups': [],
            'env': {'PATH': '/usr/bin:/bin', 'HOME': str(home), 'LANG': 'C.UTF-8'}}


def _chown_to_postgres(path: Path) -> None:
    """Give ``path`` and everything in it to the postgres user (when root)."""
    if os.geteuid() != 0:
        return
    user = pwd.getpwnam('postgres')
    os.chown(path, user.pw_uid, user.pw_gid)
    for folder, dirs, files in os.walk(path):
        for name in dirs + files:
            os.chown(os.path.join(folder, name), user.pw_uid, user.pw_gid,
                     follow_symlinks=False)


def _new_folder() -> Path:
    """A new folder for a cluster, which the postgres user can enter,
    marked with this process as its owner (see :func:`remove_leftovers`)."""
    folder = Path(tempfile.mkdtemp(prefix=PREFIX))
    folder.chmod(0o755)
    mark_owner(folder)
    return folder


def _template_data() -> Path:
    """The data folder of this process's template cluster, made by initdb
    the first time."""
    global _template
    if _template is None or not _template.exists():
        remove_leftovers()
        folder = _new_folder()
        atexit.register(shutil.rmtree, folder, True)
        data = folder / 'data'
        data.mkdir(mode=0o700)
        _chown_to_postgres(data)
        result = subprocess.run(
            [os.path.join(bindir(), 'initdb'), '-D', str(data), '-U', 'postgres',
             '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'],
            cwd=folder, capture_output=True, text=True, timeout=120,
            **_run_as(folder))
        if result.returncode != 0:
            shutil.rmtree(folder, ignore_errors=True)
            raise RuntimeError(f'initdb failed:\n{result.stdout}{result.stderr}')
        _template = folder
    return _template / 'data'


def _is_postgres(pid: int) -> bool:
    """Whether ``pid`` is a running PostgreSQL (and not another process
    that got the number of a server long gone)."""
    try:
        return b'postgres' in Path(f'/proc/{pid}/cmdline').read_bytes()
    except OSError:
        return False


def remove_leftovers() -> None:
    """Stop and remove the servers of earlier runs whose test process has
    died (a crash, a SIGKILL). Servers of runs still going are left alone."""
    for folder in glob.glob(os.path.join(tempfile.gettempdir(), PREFIX + '*')):
        if owner_alive(folder):
            continue
        try:
            postmaster = int(Path(folder, 'data', 'postmaster.pid').read_text().split()[0])
        except (OSError, ValueError, IndexError):
            postmaster = None
        if postmaster is not None and _is_postgres(postmaster):
            _stop_pid(postmaster)
        shutil.rmtree(folder, ignore_errors=True)


def _stop_pid(pid: int, wait_for=None) -> None:
    """Stop a postmaster gently: SIGTERM (smart shutdown: waits for its
    clients), then SIGINT (fast: ends their sessions cleanly), then SIGQUIT
    (immediate). Never SIGKILL, which leaves its shared memory behind."""
    for sig, seconds in ((signal.SIGTERM, 5), (signal.SIGINT, WAIT), (signal.SIGQUIT, WAIT)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if wait_for is not None:
                if wait_for(0.05):
                    return
            elif not _alive(pid):
                return
            else:
                time.sleep(0.05)


class PostgresServer:
    """One PostgreSQL server of its own: made by :meth:`start` (``initdb``
    the first time), listening on ``host``:``port`` over TCP only, with
    trust authentication for the ``postgres`` superuser (loopback only,
    throwaway data). A context manager: starts on entry, stops and removes
    everything on exit.

    :param host: the loopback address to listen on (127.0.0.0/8 only).
    :param port: the TCP port. When None, PostgreSQL (which cannot be
        given port 0) is started on a port the system just reported free,
        and again on another one if it could not listen there; the port
        it listens on is then kept across restarts.
    :param settings: extra ``postgres -c`` settings, such as
        ``{'max_connections': '200'}``.
    """

    def __init__(self, host: str = '127.0.0.1', port: int | None = None,
                 settings: dict[str, str] | None = None) -> None:
        if not host.startswith('127.'):
            raise ValueError(f'{host}: test servers listen on loopback addresses only')
        self.host = host
        self.port = port
        self.settings = {
            # Test data need not survive a crash of the machine, only of
            # the server: every commit still reaches the operating system
            # before it is acknowledged.
            'fsync': 'off',
            'full_page_writes': 'off',
            **(settings or {}),
        }
        self.folder: Path | None = None
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """The connection URL of the ``postgres`` database, for
        ``DATABASE_URL``."""
        return f'postgresql://postgres@{self.host}:{self.port}/postgres'

    @property
    def log(self) -> str:
        """What the server has logged so far (for failure messages)."""
        try:
            return Path(self.folder, 'postgres.log').read_text(errors='replace')
        except (OSError, TypeError):
            return ''

    def _make_cluster(self) -> None:
        template = _template_data()
        self.folder = _new_folder()
        shutil.copytree(template, self.folder / 'data', symlinks=True)
        _chown_to_postgres(self.folder / 'data')

    def start(self) -> PostgresServer:
        """Start the server (making its cluster the first time) and wait
        until it accepts connections."""
        if self.process is not None and self.process.poll() is None:
            return self
        if self.folder is None:
            self._make_cluster()
        command = [os.path.join(bindir(), 'postgres'), '-D', str(self.folder / 'data'),
                   '-c', f'listen_addresses={self.host}',
                   # TCP only: no socket file whose path the postgres user
                   # would have to reach.
                   '-c', 'unix_socket_directories=']
        for name, value in self.settings.items():
            command += ['-c', f'{name}={value}']
        # A port another program took between the report and the start
        # makes PostgreSQL exit: it is started again on another one. A
        # port already given (or used before a restart) is the one its
        # clients know, and gets one attempt.
        attempts = PORT_ATTEMPTS if self.port is None else 1
        port = self.port
        for _ in range(attempts):
            if self.port is None:
                port = port_reported_free(self.host)
            self._spawn(command + ['-c', f'port={port}'])
            if self._wait_listening(port):
                self.port = port
                self._wait_until_ready()
                return self
        raise RuntimeError(f'PostgreSQL exited with {self.process.returncode}'
                           f' before listening on {self.host}:{port}:\n{self.log}')

    def _spawn(self, command: list[str]) -> None:
        with open(self.folder / 'postgres.log', 'ab') as log:
            self.process = subprocess.Popen(
                command, cwd=self.folder, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
                **_run_as(self.folder))

    def _wait_listening(self, port: int) -> bool:
        """Wait until the postmaster itself listens on ``host``:``port``,
        as the kernel reports it (not some other program that has the
        port); False if it exited first."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if port in listening_ports(self.process.pid, self.host):
                return True
            if self.process.poll() is not None:
                return False
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f'PostgreSQL did not listen on {self.host}:{port}'
                           f' within {WAIT} s:\n{self.log}')

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f'PostgreSQL exited with {self.process.returncode}:\n{self.log}')
            ready = subprocess.run(
                [os.path.join(bindir(), 'pg_isready'), '-q', '-h', self.host,
                 '-p', str(self.port), '-U', 'postgres', '-d', 'postgres'],
                capture_output=True, timeout=WAIT)
            if ready.returncode == 0:
                return
            time.sleep(0.05)
        raise RuntimeError(f'PostgreSQL did not accept connections within {WAIT} s:\n{self.log}')

    def stop(self) -> None:
        """Stop the server and wait for it to exit; the cluster stays for
        :meth:`start`. SIGTERM first, then faster shutdown modes if clients
        linger (see :func:`_stop_pid`); never SIGKILL."""
        if self.process is None or self.process.poll() is not None:
            return

        def exited(timeout):
            try:
                self.process.wait(timeout)
                return True
            except subprocess.TimeoutExpired:
                return False

        _stop_pid(self.process.pid, wait_for=exited)
        # SIGQUIT always ends it; wait, so that no exit goes unreaped.
        self.process.wait(WAIT)

    def restart(self) -> float:
        """Restart in fast mode, as ``pg_ctl restart -m fast`` does: open
        sessions are ended, then the server starts again. Returns the
        seconds it was unavailable."""
        started = time.monotonic()
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            self.process.wait(WAIT)
        self.start()
        return time.monotonic() - started

    def close(self) -> None:
        """Stop the server and remove its folder."""
        self.stop()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.close()
