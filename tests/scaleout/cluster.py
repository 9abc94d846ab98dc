"""A small cluster on one machine, as the scale-out test runs it: each
"host" is its own process group listening on its own loopback address
(Linux answers on the whole of 127.0.0.0/8):

``db``    PostgreSQL on 127.0.0.20 (a fresh cluster, see ``tests/pgserver.py``)
``app1``  minitwit on gunicorn, 2 workers, on 127.0.0.11
``app2``  the same on 127.0.0.12, from a working folder of its own
``lb``    nginx on 127.0.0.1, balancing between app1 and app2

The app hosts share nothing but the secret key and ``DATABASE_URL``. The
hosts run from ``configs/nginx-cluster.conf`` and
``configs/gunicorn-cluster.conf.py``, which the documentation shows as
they are: their example values (port 8000, ``/srv/minitwit``...) are
rewritten here to ports and folders of the run. Each app host binds
port 0 the first time and keeps the port it got, which is read back
from /proc; nginx, which cannot bind port 0, is given a port the system
just reported free, and another one if it could not listen there (see
``tests/server_process.py``).

Everything lives in one folder, ``/tmp/flaskpy-cluster-*``, which names
the test process that owns it; a run whose test process died (killed,
crashed) leaves servers behind, which the next run stops before it
starts its own (:func:`remove_leftovers`).
"""
import glob
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from pgserver import PostgresServer
from server_process import find_program, make_dir, mark_owner, owner_alive, start_server

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
CONFIGS = HERE / "configs"
MINITWIT = REPO / "examples" / "minitwit"
VENV_BIN = Path(sys.executable).parent

DB_ADDRESS = "127.0.0.20"
APP_ADDRESSES = {"app1": "127.0.0.11", "app2": "127.0.0.12"}
LB_ADDRESS = "127.0.0.1"
#: nginx-cluster.conf's fail_timeout, in seconds: how long nginx leaves a
#: failed host alone before trying it again.
FAIL_TIMEOUT = 2

#: How long deploy-minitwit.sh may take on one host: the minute its wait
#: for the health check allows, and some.
DEPLOY_TIMEOUT = 90

#: Where every run keeps its files, and how a later run recognises them.
PREFIX = "flaskpy-cluster-"


def rewrite_config(name, dest, replacements):
    """Copy ``configs/<name>`` into the folder ``dest`` with each example
    value in it (a key of ``replacements``) replaced by the run's own, and
    return the new file's path. An example value missing from the file is
    an error, so that an edited config cannot silently keep, say, a port
    the run did not choose."""
    text = (CONFIGS / name).read_text()
    for example, value in replacements.items():
        assert example in text, f"{name} no longer holds {example!r}"
        text = text.replace(example, str(value))
    target = Path(dest) / name
    target.write_text(text)
    target.chmod(0o644)
    return target


def children(pid):
    """The PIDs of process ``pid``'s children (from /proc)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return set(map(int, path.read_text().split()))


def remove_leftovers():
    """Stop the servers of earlier runs whose test process is gone, and
    remove their folders. A server of such a run is any process whose
    command line names the run's folder (gunicorn's config, nginx's);
    its whole process group goes with it. Runs still going are left
    alone. (PostgreSQL's folders are the business of pgserver, which
    cleans up its own.)"""
    ours = os.getpgrp()
    for folder in glob.glob(os.path.join(tempfile.gettempdir(), PREFIX + "*")):
        if owner_alive(folder):
            continue
        marker = folder.encode() + b"/"
        for cmdline in glob.glob("/proc/[0-9]*/cmdline"):
            try:
                if marker not in Path(cmdline).read_bytes():
                    continue
                group = os.getpgid(int(cmdline.split("/")[2]))
                if group != ours:
                    os.killpg(group, signal.SIGKILL)
            except (OSError, ValueError):
                pass
        shutil.rmtree(folder, ignore_errors=True)


class AppHost:
    """One application host: its own copy of minitwit in its own folder,
    served by gunicorn (2 workers) on ``address``:``port``. The port is
    the one gunicorn got binding port 0 on the first start, and the one
    it is given on every later start, where nginx expects the host."""

    def __init__(self, name, address, folder, env):
        self.name = name
        self.address = address
        self.port = None
        self.folder = make_dir(folder)
        self.app_dir = self.folder / "minitwit"
        shutil.copytree(MINITWIT, self.app_dir, ignore=shutil.ignore_patterns(
            "__pycache__", "*.db", "*_tests.py"))
        self.env = env
        self.url = None
        self.server = None
        self.lives = 0

    def _command(self, port):
        """gunicorn's argv, after writing its config for ``port``."""
        config = rewrite_config("gunicorn-cluster.conf.py", self.folder, {
            "127.0.0.11:8000": f"{self.address}:{port}",
            "/srv/minitwit": self.app_dir,
            "/run/minitwit": self.folder,
        })
        return [VENV_BIN / "gunicorn", "--config", config, "minitwit:app"]

    def start(self):
        """Start gunicorn and wait until its health check answers 200."""
        self.lives += 1
        # A log of its own for each life: the first one's tells how it died.
        name = f"{self.name}-{self.lives}"
        if self.port is None:
            self.server = start_server(name, self._command(0), self.folder, host=self.address,
                                       ready_path="/healthz", cwd=self.app_dir, env=self.env)
            self.port = self.server.port
            self.url = self.server.url
        else:
            self.server = start_server(name, self._command, self.folder, host=self.address,
                                       ready_path="/healthz", cwd=self.app_dir, env=self.env,
                                       port=self.port)
        return self

    @property
    def pid(self):
        """The PID of the host's gunicorn master process."""
        return self.server.pid

    def alive(self):
        return self.server is not None and self.server.process.poll() is None

    def worker_pids(self):
        """The PIDs of the master's worker processes now."""
        return children(self.pid)

    def deploy(self, release):
        """Run ``configs/deploy-minitwit.sh`` for this host with the
        release folder ``release``, as a deploy would on the host itself;
        return the finished process (its output in ``stdout``)."""
        script = rewrite_config("deploy-minitwit.sh", self.folder, {
            "127.0.0.11:8000": f"{self.address}:{self.port}",
            "/srv/minitwit": self.app_dir,
            "/run/minitwit": self.folder,
        })
        return subprocess.run(["sh", script, release], env=self.env, capture_output=True,
                              text=True, timeout=DEPLOY_TIMEOUT)

    def kill(self):
        """SIGKILL to the host's whole process group (gunicorn's master
        and workers at once), as if the machine had died."""
        try:
            os.killpg(self.server.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.server.process.wait(30)
        # Nothing is left to stop: this only closes its log.
        self.server.stop()

    def stop(self):
        if self.server is not None:
            self.server.stop()


class Cluster:
    """The db, app1, app2 and lb hosts of the module docstring. ``url``
    is the load balancer's; ``hosts`` maps each app host's
    ``address:port`` (as nginx names it) to its :class:`AppHost`."""

    def __init__(self):
        self.secret_key = secrets.token_hex(32)
        self.folder = None
        self.db = None
        self.apps = {}
        self.lb = None
        self.lb_command = None
        self.url = None

    @property
    def hosts(self):
        return {f"{app.address}:{app.port}": app for app in self.apps.values()}

    def start(self):
        remove_leftovers()
        self.folder = make_dir(tempfile.mkdtemp(prefix=PREFIX))
        mark_owner(self.folder)
        self.db = PostgresServer(host=DB_ADDRESS).start()
        database_url = self._create_database()
        env = dict(os.environ)
        env.pop("MINITWIT_DATABASE", None)
        env.update(
            DATABASE_URL=database_url,
            SECRET_KEY=self.secret_key,
            PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
            PYTHONUNBUFFERED="1",
        )
        env.pop("DEBUG", None)
        for name, address in APP_ADDRESSES.items():
            self.apps[name] = AppHost(name, address, self.folder / name, env)
        self._init_schema(env)
        for app in self.apps.values():
            app.start()
        self._start_lb()
        return self

    def _create_database(self):
        """A role and a database of minitwit's own, as on a real server;
        returns its ``DATABASE_URL``."""
        import psycopg

        password = secrets.token_hex(8)
        with psycopg.connect(self.db.url, autocommit=True) as admin:
            admin.execute(f"create role minitwit login password '{password}'")
            admin.execute("create database minitwit owner minitwit")
        return f"postgresql://minitwit:{password}@{DB_ADDRESS}:{self.db.port}/minitwit"

    def _init_schema(self, env):
        app = self.apps["app1"]
        subprocess.run(
            [sys.executable, "-c", "import minitwit; minitwit.init_db()"],
            cwd=app.app_dir, env=env, check=True, timeout=60,
        )

    def _start_lb(self):
        folder = make_dir(self.folder / "lb")
        app1, app2 = self.apps["app1"], self.apps["app2"]

        def command(port):
            config = rewrite_config("nginx-cluster.conf", folder, {
                "127.0.0.11:8000": f"{app1.address}:{app1.port}",
                "127.0.0.12:8000": f"{app2.address}:{app2.port}",
                "listen 80;": f"listen {LB_ADDRESS}:{port};",
                "/run/nginx.pid": folder / "nginx.pid",
                "/var/log/nginx": folder,
                "/var/lib/nginx": folder,
            })
            # -e: nginx opens its default error log before reading the config.
            self.lb_command = [find_program("nginx"), "-c", config,
                               "-e", folder / "nginx-start.log"]
            return self.lb_command

        self.lb = start_server("lb", command, folder, host=LB_ADDRESS, ready_path="/public")
        self.url = self.lb.url

    def reload_lb(self):
        """What a change of nginx's configuration does: ``nginx -t`` checks
        it, then ``nginx -s reload`` has the master read it again, start
        new workers and let the old ones finish their requests. Returns the
        output of both."""
        outputs = []
        for option in (["-t"], ["-s", "reload"]):
            done = subprocess.run(self.lb_command + option, capture_output=True, text=True,
                                  timeout=30)
            assert done.returncode == 0, done.stdout + done.stderr
            outputs.append(done.stdout + done.stderr)
        return "".join(outputs)

    def lb_worker_pids(self):
        """The PIDs of nginx's worker processes now."""
        return children(self.lb.pid)

    def make_release(self, name):
        """A new release of minitwit, as a deploy brings it to each host: a
        folder with the code and a ``RELEASE`` file naming it."""
        release = self.folder / "releases" / name
        shutil.copytree(MINITWIT, release, ignore=shutil.ignore_patterns(
            "__pycache__", "*.db", "*_tests.py"))
        (release / "RELEASE").write_text(name + "\n")
        return release

    def stored_posts(self):
        """Every message in the database, as (username, text) pairs."""
        import psycopg

        with psycopg.connect(self.db.url.rsplit("/", 1)[0] + "/minitwit") as db:
            return db.execute(
                "select users.username, message.text from message"
                " join users on users.user_id = message.author_id"
            ).fetchall()

    def close(self):
        """Stop every host (the load balancer first, the database last)
        and remove the run's folder. Safe after a partial start."""
        if self.lb is not None:
            self.lb.stop()
        for app in self.apps.values():
            app.stop()
        if self.db is not None:
            self.db.close()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
