"""Fixtures that run yourapplication (``tests/deploy/yourapplication``) on
real servers: each starts the server on 127.0.0.1 on a free port, waits
(bounded) until it answers, and stops it by its PID when the tests that
use it are done, whether they passed or not (``tests/server_process.py``
does the starting and stopping for every test that runs a server).

The servers run from the files in ``tests/deploy/configs/``, which the
documentation shows as they are. They are written with example values a
reader can paste; here each is replaced by the test's own:

``8000``                                   the TCP port on 127.0.0.1: 0 (the
                                           system picks one) where the server
                                           accepts it, else a port the system
                                           reported free (``server_process``
                                           checks that the server got it)
``/srv/yourapplication``                   the folder holding the
                                           yourapplication package
``/var/www/yourapplication``               the folder holding the
                                           filled-in copies of the files
``/run/yourapplication``                   a scratch folder for pid files,
                                           logs, sockets, temp files
``/run/yourapplication/fcgi.sock``         the FastCGI server's Unix socket
``127.0.0.1:8001``                         where uWSGI listens for nginx
``/srv/yourapplication/.venv/bin/python``  a Python that has Flask installed
``/srv/yourapplication/.venv``             the virtual environment of
                                           mod_wsgi's daemon process
``/srv/flaskr``, ``/srv/flaskr/.venv``    the folder holding a copy of
                                           examples/flaskr, and the
                                           environment with gunicorn
``/var/lib/flaskr``, ``/etc/flaskr/env``   Flaskr's state folder, and its
                                           environment file (systemd units)

(``@PORT@``, ``@APPDIR@``, ... placeholders are filled in the same way.)

Everything goes to one temporary folder that other users can read:
Apache's and nginx's workers run as www-data and cannot enter pytest's
own (private) temporary folders.

A server whose program is missing skips its tests with the reason, or
fails them under ``FLASK_TEST_REQUIRE_ALL=1`` (the ``require`` fixture).
"""
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from server_process import ServerProcess, find_program, make_dir, start_server

DEPLOY = Path(__file__).resolve().parent
REPO = DEPLOY.parent.parent
CONFIGS = DEPLOY / "configs"

#: The Python running the tests: it has Flask (this repository's) and the
#: PyPI servers installed.
PYTHON = sys.executable
VENV_BIN = Path(sys.executable).parent

APACHE_MODULES = Path("/usr/lib/apache2/modules")
#: Debian's mod_wsgi embeds this Python, whatever python3 is first on PATH.
SYSTEM_PYTHON = "/usr/bin/python3"


#: The example values the files in configs/ are written with, by the
#: keyword fill_config() takes for each.
EXAMPLE_VALUES = {
    "python": "/srv/yourapplication/.venv/bin/python",
    "venv": "/srv/yourapplication/.venv",
    "socket": "/run/yourapplication/fcgi.sock",
    "backend": "127.0.0.1:8001",
    "rundir": "/run/yourapplication",
    "confdir": "/var/www/yourapplication",
    "appdir": "/srv/yourapplication",
    "port": "8000",
    "flaskr_venv": "/srv/flaskr/.venv",
    "flaskr": "/srv/flaskr",
    "flaskr_state": "/var/lib/flaskr",
    "flaskr_env": "/etc/flaskr/env",
}


def _example_pattern(example):
    """A regular expression for one example value; the port only as a
    whole number (8000, not the 8000 in 18000)."""
    return rf"\b{example}\b" if example.isdigit() else re.escape(example)


def fill_config(name, dest, **values):
    """Copy ``configs/<name>`` into the folder ``dest`` with its example
    values (and any ``@PLACEHOLDERS@``) replaced by ``values`` (keys as in
    ``EXAMPLE_VALUES``), keep it executable if it was, and return the new
    file's path."""
    source = CONFIGS / name
    text = source.read_text()
    for key, value in values.items():
        text = text.replace(f"@{key.upper()}@", str(value))
    left = re.findall(r"@[A-Z_]+@", text)
    assert not left, f"{name}: no value given for {sorted(set(left))}"
    replacements = {EXAMPLE_VALUES[key]: str(value) for key, value in values.items()
                    if key in EXAMPLE_VALUES}
    if replacements:
        # One pass, longest first: /srv/yourapplication/.venv is replaced
        # as a whole, not as /srv/yourapplication followed by /.venv.
        pattern = re.compile("|".join(
            _example_pattern(example)
            for example in sorted(replacements, key=len, reverse=True)))
        text = pattern.sub(lambda match: replacements[match.group()], text)
    unfilled = [key for key, example in EXAMPLE_VALUES.items()
                if key not in values and re.search(_example_pattern(example), text)]
    assert not unfilled, f"{name}: no value given for {unfilled}"
    target = Path(dest) / name
    target.write_text(text)
    target.chmod(0o755 if os.access(source, os.X_OK) else 0o644)
    return target


def python_env(appdir):
    """The environment of a Python server: yourapplication importable, and
    the test Python's scripts (gunicorn, waitress-serve) first on PATH."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(appdir)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONUNBUFFERED"] = "1"
    return env


def pytest_collection_modifyitems(items):
    """Mark every deployment test slow: each needs a real server."""
    for item in items:
        if DEPLOY in Path(item.path).parents:
            item.add_marker(pytest.mark.slow)


# -- the shared folder ---------------------------------------------------


@pytest.fixture(scope="session")
def site_dir():
    """A temporary folder every user can read, holding a copy of
    yourapplication in ``app/``; removed after the run."""
    root = make_dir(tempfile.mkdtemp(prefix="flask-deploy-"))
    app_dir = make_dir(root / "app")
    shutil.copytree(
        DEPLOY / "yourapplication",
        app_dir / "yourapplication",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def app_dir(site_dir):
    """The folder holding the yourapplication package (``@APPDIR@``)."""
    return site_dir / "app"


@pytest.fixture(scope="module")
def run_dir(site_dir, request):
    """A fresh scratch folder for one test module's servers."""
    path = Path(tempfile.mkdtemp(prefix=request.module.__name__ + "-", dir=site_dir))
    path.chmod(0o755)
    return path


# -- servers from PyPI, run by the test Python -----------------------------


def _python_server(name, script, run_dir, app_dir, extra_env=None, **values):
    conf = make_dir(run_dir / name)
    path = fill_config(script, conf, port=0, **values)
    env = {**python_env(app_dir), **(extra_env or {})}
    return start_server(name, [PYTHON, path], conf, env=env, cwd=app_dir)


@pytest.fixture(scope="module")
def devserver(run_dir, app_dir):
    """yourapplication on the development server, debug off."""
    server = _python_server("devserver", "devserver.py", run_dir, app_dir)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def devserver_debug(run_dir, app_dir):
    """yourapplication on the development server with ``debug=True``; the
    debugger's PIN is ``server.pin``."""
    # With the reloader off Werkzeug prints no PIN; setting one is how the
    # test (like a developer) knows it.
    pin = "246-813-579"
    server = _python_server(
        "devserver-debug", "devserver_debug.py", run_dir, app_dir,
        extra_env={"WERKZEUG_DEBUG_PIN": pin},
    )
    server.pin = pin
    yield server
    server.stop()


@pytest.fixture(scope="module")
def gunicorn(run_dir, app_dir):
    """yourapplication on gunicorn with two sync workers."""
    conf = make_dir(run_dir / "gunicorn")
    path = fill_config("gunicorn.conf.py", conf, port=0, appdir=app_dir, rundir=conf)
    command = [VENV_BIN / "gunicorn", "--config", path, "yourapplication:app"]
    server = start_server("gunicorn", command, conf, env=python_env(app_dir), cwd=app_dir)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def waitress(run_dir, app_dir):
    """yourapplication on waitress (waitress-serve)."""
    conf = make_dir(run_dir / "waitress")
    path = fill_config("waitress-serve.sh", conf, port=0, appdir=app_dir)
    # The script ends in exec, so the shell's PID becomes waitress's.
    server = start_server("waitress", ["/bin/sh", path], conf, env=python_env(app_dir))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def tornado(run_dir, app_dir):
    """yourapplication in Tornado's WSGIContainer."""
    server = _python_server("tornado", "tornado_server.py", run_dir, app_dir)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def gevent(run_dir, app_dir):
    """yourapplication on gevent.pywsgi's WSGIServer."""
    server = _python_server("gevent", "gevent_server.py", run_dir, app_dir)
    yield server
    server.stop()


# -- system web servers ------------------------------------------------------


@pytest.fixture(scope="module")
def granian(run_dir, app_dir):
    """yourapplication on Granian's WSGI interface (configs/granian.sh)."""
    conf = make_dir(run_dir / "granian")

    # Granian's workers share a port chosen beforehand: it is given one
    # (start_server checks it got it).
    def granian_command(port):
        path = fill_config("granian.sh", conf, port=port, appdir=app_dir)
        # The script ends in exec, so the shell's PID becomes Granian's.
        return ["/bin/sh", path]

    server = start_server("granian", granian_command, conf, env=python_env(app_dir))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def _uwsgi_nginx(run_dir, app_dir):
    """uWSGI (configs/uwsgi.ini) behind nginx (configs/nginx-uwsgi.conf)."""
    conf = make_dir(run_dir / "uwsgi")

    def uwsgi_command(port):
        ini = fill_config("uwsgi.ini", conf, backend=f"127.0.0.1:{port}",
                          appdir=app_dir, rundir=conf)
        return [VENV_BIN / "uwsgi", "--ini", ini]

    # uWSGI speaks its own protocol, not HTTP: waited for until it listens.
    # need-app: it exits at once when the application does not load.
    uwsgi = start_server("uwsgi", uwsgi_command, conf, ready_path=None,
                         cwd=app_dir, env=python_env(app_dir))
    try:
        def nginx_command(port):
            config = fill_config("nginx-uwsgi.conf", conf, port=port,
                                 backend=f"127.0.0.1:{uwsgi.port}", rundir=conf)
            return [find_program("nginx"), "-c", config, "-e", "stderr"]

        nginx = start_server("nginx", nginx_command, conf)
    except BaseException:
        uwsgi.stop()
        raise
    nginx.uwsgi = uwsgi
    yield nginx
    nginx.stop()
    uwsgi.stop()


@pytest.fixture
def uwsgi(require, request):
    """nginx in front of yourapplication on uWSGI; the uWSGI server is
    its ``uwsgi`` attribute."""
    require(find_program("nginx"), "nginx is not installed (Debian package nginx)")
    require((VENV_BIN / "uwsgi").exists(), "uWSGI is not installed (pip install pyuwsgi)")
    return request.getfixturevalue("_uwsgi_nginx")


@pytest.fixture
def uwsgi_config(run_dir, app_dir):
    """A function that writes configs/uwsgi.ini into a folder of its own
    with the given application folder, and returns its path."""

    def write(name, appdir):
        conf = make_dir(run_dir / name)
        return fill_config("uwsgi.ini", conf, backend="127.0.0.1:0", appdir=appdir,
                           rundir=conf)

    return write


@pytest.fixture(scope="module", params=["", "/yourapplication"], ids=["root", "prefix"])
def fastcgi_mount(request):
    """Where nginx or lighttpd mounts the FastCGI application: at the
    root, or under /yourapplication. Each FastCGI test runs with both."""
    return request.param


def _start_flup(conf, app_dir):
    """Start yourapplication.fcgi (flup) on a Unix socket in ``conf``, wait
    until the socket exists, and return the server and the socket's path."""
    socket_path = conf / "yourapplication.sock"
    # A socket file left by an earlier run would make flup fail to bind.
    socket_path.unlink(missing_ok=True)
    fcgi = fill_config("yourapplication.fcgi", conf, socket=socket_path)
    flup = ServerProcess("flup", [PYTHON, fcgi], conf, cwd=app_dir, env=python_env(app_dir))
    deadline = time.monotonic() + 30
    while not socket_path.exists():
        if flup.process.poll() is not None or time.monotonic() > deadline:
            flup.stop()
            pytest.fail(f"flup's socket did not appear:\n{flup.log()}")
        time.sleep(0.05)
    return flup, socket_path


def _stop_flup(flup, socket_path):
    flup.stop()
    # flup leaves its socket file behind.
    socket_path.unlink(missing_ok=True)


@pytest.fixture(scope="module")
def _fastcgi_nginx(run_dir, app_dir, fastcgi_mount):
    """flup's FastCGI server behind nginx, at ``fastcgi_mount``."""
    name = "fastcgi-root" if fastcgi_mount == "" else "fastcgi-prefix"
    conf = make_dir(run_dir / name)
    # flup must be listening before nginx passes it requests.
    flup, socket_path = _start_flup(conf, app_dir)
    try:
        config_name = "nginx-fastcgi.conf" if fastcgi_mount == "" else "nginx-fastcgi-prefix.conf"

        # nginx refuses port 0: it is given one (start_server checks it got it).
        def nginx_command(port):
            config = fill_config(config_name, conf, port=port, rundir=conf, socket=socket_path)
            return [find_program("nginx"), "-c", config, "-e", "stderr"]

        nginx = start_server("nginx", nginx_command, conf, prefix=fastcgi_mount)
    except BaseException:
        _stop_flup(flup, socket_path)
        raise
    yield nginx
    nginx.stop()
    _stop_flup(flup, socket_path)


@pytest.fixture(scope="module")
def _fastcgi_lighttpd(run_dir, app_dir, fastcgi_mount):
    """flup's FastCGI server behind lighttpd, at ``fastcgi_mount``."""
    name = "lighttpd-root" if fastcgi_mount == "" else "lighttpd-prefix"
    conf = make_dir(run_dir / name)
    make_dir(conf / "htdocs")
    flup, socket_path = _start_flup(conf, app_dir)
    try:
        config_name = (
            "lighttpd-fastcgi.conf" if fastcgi_mount == "" else "lighttpd-fastcgi-prefix.conf"
        )
        lighttpd_conf = fill_config(config_name, conf, port=0, rundir=conf, socket=socket_path)
        lighttpd = start_server(
            "lighttpd",
            [find_program("lighttpd"), "-D", "-f", lighttpd_conf],
            conf,
            prefix=fastcgi_mount,
        )
    except BaseException:
        _stop_flup(flup, socket_path)
        raise
    yield lighttpd
    lighttpd.stop()
    _stop_flup(flup, socket_path)


@pytest.fixture
def fastcgi_lighttpd(require, request, fastcgi_mount):
    """lighttpd in front of flup's FastCGI server, at each mount point."""
    require(find_program("lighttpd"), "lighttpd is not installed (Debian package lighttpd)")
    return request.getfixturevalue("_fastcgi_lighttpd")


@pytest.fixture
def fastcgi(require, request, fastcgi_mount):
    """nginx in front of flup's FastCGI server, at each mount point."""
    require(find_program("nginx"), "nginx is not installed (Debian package nginx)")
    return request.getfixturevalue("_fastcgi_nginx")


@pytest.fixture(scope="module", params=["lighttpd", "apache"])
def cgi_server(request):
    """The web server that runs yourapplication.cgi: lighttpd or Apache.
    Each CGI test runs with both."""
    return request.param


@pytest.fixture(scope="module")
def _cgi_lighttpd(run_dir, app_dir):
    conf = make_dir(run_dir / "cgi-lighttpd")
    make_dir(conf / "htdocs")
    # lighttpd runs as the user who started it: the test Python will do.
    fill_config("yourapplication.cgi", conf, python=PYTHON, appdir=app_dir)
    lighttpd_conf = fill_config("lighttpd-cgi.conf", conf, port=0, rundir=conf, confdir=conf)
    server = start_server(
        "lighttpd",
        [find_program("lighttpd"), "-D", "-f", lighttpd_conf],
        conf,
        prefix="/yourapplication",
    )
    yield server
    server.stop()


@pytest.fixture(scope="module")
def _cgi_apache(run_dir, app_dir, www_venv):
    conf = make_dir(run_dir / "cgi-apache")
    # Apache runs the script as www-data, who cannot use the test Python
    # (it may live in a private home folder): use the shared venv's.
    fill_config("yourapplication.cgi", conf, python=www_venv / "bin" / "python", appdir=app_dir)

    # Apache refuses port 0: it is given one (start_server checks it got it).
    def apache_command(port):
        config = fill_config("apache-cgi.conf", conf, port=port, rundir=conf, confdir=conf)
        return [find_program("apache2"), "-f", config, "-DFOREGROUND"]

    server = start_server("apache2", apache_command, conf, prefix="/yourapplication")
    yield server
    server.stop()


@pytest.fixture
def cgi(require, request, cgi_server):
    """yourapplication.cgi under /yourapplication, run by lighttpd's or
    Apache's CGI module."""
    if cgi_server == "lighttpd":
        require(find_program("lighttpd"), "lighttpd is not installed (Debian package lighttpd)")
        return request.getfixturevalue("_cgi_lighttpd")
    require(find_program("apache2"), "Apache is not installed (Debian package apache2)")
    require(os.path.exists(SYSTEM_PYTHON), f"{SYSTEM_PYTHON} is missing")
    return request.getfixturevalue("_cgi_apache")


@pytest.fixture(scope="session")
def www_venv(site_dir):
    """A virtual environment that www-data can use, for mod_wsgi's daemon
    process and Apache's CGI scripts: made with the Python mod_wsgi embeds,
    holding Flask's dependencies (the versions the tests run with, from
    PyPI) and this repository's flask.py. Built once per test run."""
    started = time.monotonic()
    venv = site_dir / "venv"
    subprocess.run([SYSTEM_PYTHON, "-m", "venv", "--without-pip", venv], check=True, timeout=120)
    query = (
        "import sys, sysconfig;"
        " print(sysconfig.get_paths()['purelib']);"
        " print('%d.%d' % sys.version_info[:2])"
    )
    out = subprocess.run(
        [venv / "bin" / "python", "-c", query],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout.split()
    site_packages, version = out[0], out[1]
    pins = [
        f"{name}=={importlib.metadata.version(name)}"
        for name in ("Werkzeug", "Jinja2", "itsdangerous", "MarkupSafe")
    ]
    # Debian's Python may have no pip: the test Python's pip installs
    # wheels for the venv's Python version into its site-packages.
    pip = subprocess.run(
        [PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--target", site_packages, "--python-version", version, "--only-binary=:all:", *pins],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if pip.returncode != 0:
        pytest.fail(f"pip could not fill the www-data venv:\n{pip.stdout}{pip.stderr}")
    shutil.copy(REPO / "flask.py", site_packages)
    # Readable by www-data even under a strict umask. Symlinks (bin/python
    # points at the system's Python) are left alone.
    for path in [venv, *venv.rglob("*")]:
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() else path.stat().st_mode | 0o444)
    print(f"www-data venv ({SYSTEM_PYTHON}, Python {version}) built in"
          f" {time.monotonic() - started:.1f}s")
    return venv


@pytest.fixture(scope="module")
def _mod_wsgi_apache(run_dir, app_dir, www_venv):
    conf = make_dir(run_dir / "mod_wsgi")
    fill_config("yourapplication.wsgi", conf)

    # Apache refuses port 0: it is given one (start_server checks it got it).
    def apache_command(port):
        config = fill_config(
            "apache-mod_wsgi.conf",
            conf,
            port=port,
            rundir=conf,
            confdir=conf,
            appdir=app_dir,
            venv=www_venv,
        )
        return [find_program("apache2"), "-f", config, "-DFOREGROUND"]

    server = start_server("apache2", apache_command, conf)
    yield server
    server.stop()


@pytest.fixture
def mod_wsgi(require, request):
    """Apache with mod_wsgi serving yourapplication.wsgi in a daemon
    process group."""
    require(find_program("apache2"), "Apache is not installed (Debian package apache2)")
    require(
        (APACHE_MODULES / "mod_wsgi.so").exists(),
        "mod_wsgi is not installed (Debian package libapache2-mod-wsgi-py3)",
    )
    require(os.path.exists(SYSTEM_PYTHON), f"{SYSTEM_PYTHON}, mod_wsgi's Python, is missing")
    return request.getfixturevalue("_mod_wsgi_apache")
