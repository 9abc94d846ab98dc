"""Running real servers in tests: a server process in a session of its
own (so that its workers go with it), waited for until it answers, and
stopped by its PID whether the test passed or not. Shared by the
deployment tests (``tests/deploy``) and the cluster test
(``tests/scaleout``)."""
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

#: How long a server may take to answer its first request.
START_TIMEOUT = 30
#: How long a server may take to stop before it is killed.
STOP_TIMEOUT = 10


def find_program(name):
    """The path of a system program, also looking in the sbin folders that
    are not on every user's PATH (Debian puts apache2 and nginx there)."""
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")


def make_dir(path):
    """Create a folder that the web servers' users can enter and read."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o755)
    return path


class Server:
    """A server process started by the tests.

    ``url`` is where the application is mounted (no trailing slash),
    ``pid`` the server's process id. The process runs in a session of its
    own, so that its workers can be stopped with it.
    """

    def __init__(
        self, name, command, url, rundir, cwd=None, env=None, user=None,
        stop_signal=signal.SIGTERM,
    ):
        self.name = name
        self.stop_signal = stop_signal
        self.url = url
        self.rundir = Path(rundir)
        self.log_path = self.rundir / f"{name}.log"
        # Appended to: a server started again after a crash keeps the
        # story of its first life.
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [str(part) for part in command],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            # Only root can switch users: PostgreSQL refuses to run as root.
            user=user,
        )
        self.pid = self.process.pid

    def log(self):
        """The server's console output, and the error logs it wrote to its
        run folder, to explain a failure."""
        parts = []
        for path in sorted(self.rundir.glob("*.log")):
            text = path.read_text(errors="replace")[-4000:]
            parts.append(f"--- {path.name} ---\n{text}")
        return "\n".join(parts)

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

    def kill(self):
        """Kill the server and every process of its group at once with
        SIGKILL, as when the machine it runs on dies."""
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(STOP_TIMEOUT)
        self._log.close()

    def stop(self):
        """Stop the server by its PID: ``stop_signal`` (SIGTERM unless
        given), then SIGKILL if it is still running after STOP_TIMEOUT
        seconds; then kill whatever of its process group (its own workers)
        outlived it."""
        if self.process.poll() is None:
            self.process.send_signal(self.stop_signal)
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


def rewrite_config(source, dest, replacements):
    """Copy the config file ``source`` into the folder ``dest`` with each
    example value in it (a key of ``replacements``: a port such as
    ``127.0.0.1:8000``, a folder such as ``/srv/yourapplication``) replaced
    by the test run's own; keep it executable if it was, and return the
    new file's path. An example value missing from the file is an error,
    so that an edited config cannot silently keep, say, a port the run did
    not choose."""
    source = Path(source)
    text = source.read_text()
    for example, value in replacements.items():
        assert example in text, f"{source.name} no longer holds {example!r}"
        text = text.replace(example, str(value))
    target = Path(dest) / source.name
    target.write_text(text)
    target.chmod(0o755 if os.access(source, os.X_OK) else 0o644)
    return target
