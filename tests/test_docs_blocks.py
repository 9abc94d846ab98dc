"""Runs the code blocks of the documentation's quickstart, patterns and
deployment chapters, so that a change in flask.py that breaks a documented example
fails the test suite.

The convention, also noted at the top of both chapters: a comment

    .. example: NAME/PATH

right before a ``.. code-block::`` directive assigns the block to the
example folder NAME, as the file PATH inside it. Blocks with the same
NAME/PATH are joined in the order they appear. Each example gets a fresh
temporary folder holding its files, and the check function of the same
name below imports the example and drives it with the test client. A
``pycon`` block (an interactive session the reader types) is run with
doctest from inside its example folder.

Blocks of ``>>>`` sessions written straight into the text are not handled
here: Sphinx's doctest builder runs them (tests/test_docs_build.py).
"""
import io
import os
import re
import sys
from pathlib import Path

import pytest

import flask
from doctests import run_doctest

DOCS = Path(__file__).resolve().parent.parent / "docs"
CHAPTERS = ["quickstart.rst", "patterns.rst", "deployment.rst"]

MARKER = re.compile(r"^\.\. example: (?P<example>[\w-]+)/(?P<path>\S+)\s*$")
DIRECTIVE = re.compile(r"^\.\. code-block:: (?P<language>\S+)\s*$")
# Blocks in these languages show shell commands or output: nothing to run.
NOT_CODE = {"console", "text", "none"}


def parse_blocks(chapter):
    """Return the code blocks of a chapter as dicts with the keys
    chapter, line, language, example, path (the last two ``None`` for an
    unmarked block) and code."""
    lines = (DOCS / chapter).read_text(encoding="utf-8").splitlines()
    blocks = []
    marker = None
    i = 0
    while i < len(lines):
        line = lines[i]
        found_marker = MARKER.match(line)
        found_block = DIRECTIVE.match(line)
        if found_marker:
            marker = found_marker
        elif found_block:
            start = i + 1
            i += 1
            # Skip the directive's options, then take the indented body.
            while i < len(lines) and lines[i].strip().startswith(":"):
                i += 1
            body = []
            while i < len(lines) and (not lines[i].strip() or lines[i].startswith("   ")):
                body.append(lines[i][3:])
                i += 1
            blocks.append({
                "chapter": chapter,
                "line": start,
                "language": found_block["language"],
                "example": marker["example"] if marker else None,
                "path": marker["path"] if marker else None,
                "code": "\n".join(body).strip("\n") + "\n",
            })
            marker = None
            continue
        elif line.strip():
            # A marker only applies to the directive right after it.
            marker = None
        i += 1
    return blocks


ALL_BLOCKS = [block for chapter in CHAPTERS for block in parse_blocks(chapter)]


def example_files(example):
    """The files of one example: {relative path: source}."""
    files = {}
    for block in ALL_BLOCKS:
        if block["example"] == example:
            files[block["path"]] = files.get(block["path"], "") + block["code"]
    return files


@pytest.fixture
def materialize(tmp_path, monkeypatch):
    """Write an example's files into a temporary folder and make its
    modules importable. Modules of the same name imported earlier (every
    example has an ``app`` or ``yourapplication``) are set aside for the
    test and restored afterwards."""
    set_aside = {}

    def make(example):
        folder = tmp_path / example
        for path, code in example_files(example).items():
            target = folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(code, encoding="utf-8")
        for entry in folder.iterdir():
            name = entry.stem if entry.suffix == ".py" else entry.name
            for modname in list(sys.modules):
                if modname == name or modname.startswith(name + "."):
                    set_aside[modname] = sys.modules.pop(modname)
        monkeypatch.syspath_prepend(str(folder))
        return folder

    yield make
    for modname, module in list(sys.modules.items()):
        if str(getattr(module, "__file__", None) or "").startswith(str(tmp_path)):
            del sys.modules[modname]
    sys.modules.update(set_aside)


def run_session(folder, filename):
    """Run the doctest session stored in the example file ``filename``
    with the example folder as working directory."""
    path = folder / filename
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        run_doctest(path.read_text(encoding="utf-8"), {}, filename, str(path))
    finally:
        os.chdir(cwd)


def import_app(module_name):
    """Import an example module and return its application object."""
    module = __import__(module_name)
    return module.app


# -- the checks, one per example ---------------------------------------------


def check_hello(folder):
    client = import_app("hello").test_client()
    assert client.get("/").data == b"Hello World!"


def check_routing(folder):
    client = import_app("app").test_client()
    assert client.get("/").data == b"The front page"
    assert client.get("/user/ann").data == b"Profile of ann"
    assert client.get("/post/42").data == b"Post number 42"
    assert client.get("/post/first").status_code == 404
    assert client.get("/files/a/b.txt").data == b"File a/b.txt"


def check_slashes(folder):
    client = import_app("app").test_client()
    rv = client.get("/projects")
    assert rv.status_code == 308
    assert rv.headers["Location"].endswith("/projects/")
    assert client.get("/projects/").data == b"The project list"
    assert client.get("/about").data == b"About this site"
    assert client.get("/about/").status_code == 404


def check_methods(folder):
    client = import_app("app").test_client()
    assert client.get("/login").data == b"Please log in"
    assert client.post("/login").data == b"Checking your password"
    assert client.put("/login").status_code == 405


def check_templates(folder):
    client = import_app("app").test_client()
    assert b"<h1>Hello ann!</h1>" in client.get("/hello/ann").data
    assert b"Hello, whoever you are!" in client.get("/hello/").data
    escaped = client.get("/hello/<script>").data
    assert b"&lt;script&gt;" in escaped and b"<script>" not in escaped


def check_request(folder):
    client = import_app("app").test_client()
    good = {"username": "admin", "password": "secret"}
    assert client.post("/login", data=good).data == b"Welcome, admin"
    bad = {"username": "admin", "password": "guess"}
    assert client.post("/login", data=bad).status_code == 403
    assert client.post("/login", data={"username": "admin"}).status_code == 400
    assert client.get("/login").data == b"Send the login form here"
    assert client.get("/search?q=flask").data == b"You searched for flask"
    assert client.get("/search").data == b"You searched for "


def check_uploads(folder):
    # The example makes its uploads folder itself, as a reader's fresh
    # folder has none.
    assert not (folder / "uploads").exists()
    app = import_app("app")
    assert (folder / "uploads").is_dir()
    client = app.test_client()
    assert b"multipart/form-data" in client.get("/upload").data
    data = {"the_file": (io.BytesIO(b"file contents"), "../../evil name.txt")}
    rv = client.post("/upload", data=data, content_type="multipart/form-data")
    assert rv.data == b"Saved as evil_name.txt"
    assert (folder / "uploads" / "evil_name.txt").read_bytes() == b"file contents"


def check_cookies(folder):
    client = import_app("app").test_client()
    assert client.get("/").data == b"Hello stranger"
    client.get("/remember/ann")
    assert client.get("/").data == b"Hello ann"


def check_errors(folder):
    client = import_app("app").test_client()
    rv = client.get("/")
    assert rv.status_code == 302
    assert rv.headers["Location"].endswith("/login")
    assert client.get("/login").status_code == 401
    rv = client.get("/nowhere")
    assert rv.status_code == 404
    assert b"There is no page at /nowhere." in rv.data


def check_sessions(folder):
    # The page says to pass the key in the environment.
    os.environ["SECRET_KEY"] = "a key for the quickstart's session example"
    try:
        client = import_app("app").test_client()
    finally:
        del os.environ["SECRET_KEY"]
    assert client.get("/").data == b"You are not logged in"
    assert b"<form" in client.get("/login").data
    rv = client.post("/login", data={"username": "<b>ann</b>"})
    assert rv.status_code == 302
    assert b"Logged in as &lt;b&gt;ann&lt;/b&gt;" in client.get("/").data
    client.post("/logout")
    assert client.get("/").data == b"You are not logged in"


def check_packaged(folder):
    client = import_app("yourapplication").test_client()
    assert client.get("/").data == b"Hello World!"
    # The start script imports the same application and does not serve
    # anything when imported.
    assert __import__("runserver").app is sys.modules["yourapplication"].app


def check_sqlite(folder):
    run_session(folder, "session.txt")
    app = import_app("app")
    import sqlite3

    with sqlite3.connect(folder / "app.db") as db:
        db.execute("insert into users (username) values ('ann')")
        db.execute("insert into users (username) values ('bob')")
    db.close()
    client = app.test_client()
    assert client.get("/users").data == b"ann has the id 1\nbob has the id 2"
    assert client.get("/user/bob").data == b"bob has the id 2"
    assert client.get("/user/nobody").status_code == 404
    assert client.get("/user/x' or '1'='1").status_code == 404


def health_answer(response):
    """What a health check's answer shows a caller: its status and body,
    its type and caching, and whether it has anything to do with a
    session."""
    return {
        "status": response.status_code,
        "body": response.data,
        "mimetype": response.mimetype,
        "Cache-Control": response.headers.get("Cache-Control"),
        "X-Content-Type-Options": response.headers.get("X-Content-Type-Options"),
        "Set-Cookie": "Set-Cookie" in response.headers,
        "Vary": "Vary" in response.headers,
    }


HEALTHY = {"status": 200, "body": b"ok\n", "mimetype": "text/plain",
           "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
           "Set-Cookie": False, "Vary": False}
UNHEALTHY = dict(HEALTHY, status=503, body=b"unavailable\n")


def check_healthz(folder):
    import sqlite3
    import time

    with sqlite3.connect(folder / "app.db") as db:
        db.execute("create table entries (text)")
    db.close()
    module = __import__("app")
    client = module.app.test_client()
    assert health_answer(client.get("/healthz")) == HEALTHY
    # A database that is locked: a 503 once the wait is over, not a hang.
    lock = sqlite3.connect(folder / "app.db")
    lock.execute("begin exclusive")
    try:
        started = time.monotonic()
        answer = client.get("/healthz")
        elapsed = time.monotonic() - started
    finally:
        lock.rollback()
        lock.close()
    assert health_answer(answer) == UNHEALTHY
    assert module.HEALTH_TIMEOUT * 0.9 <= elapsed < module.HEALTH_TIMEOUT + 1.5
    assert health_answer(client.get("/healthz")) == HEALTHY
    # A database that is gone: 503, saying nothing of where it was looked
    # for, and the check does not create an empty one.
    (folder / "app.db").unlink()
    assert health_answer(client.get("/healthz")) == UNHEALTHY
    assert not (folder / "app.db").exists()


def check_sqla(folder):
    run_session(folder, "session.txt")
    app = import_app("yourapplication")
    from yourapplication.database import db_session, engine

    try:
        assert app.test_client().get("/users").data == b"admin"
    finally:
        db_session.remove()
        engine.dispose()


def check_inheritance(folder):
    app = flask.Flask("inheritance_check")
    app.root_path = str(folder)
    with app.test_request_context():
        page = flask.render_template("index.html")
    assert "<title>Index - My Webpage</title>" in page
    assert 'href="/static/style.css"' in page
    assert ".important { color: #336699; }" in page
    assert "<h1>Index</h1>" in page
    assert "&copy; Copyright 2010" in page


def check_flashing(folder):
    os.environ["SECRET_KEY"] = "a key for the flashing pattern's example"
    try:
        client = import_app("app").test_client()
    finally:
        del os.environ["SECRET_KEY"]
    assert b"class=flashes" not in client.get("/").data
    rv = client.post("/login", data={"username": "admin", "password": "no"})
    assert b"Invalid credentials" in rv.data
    rv = client.post(
        "/login", data={"username": "admin", "password": "secret"}, follow_redirects=True
    )
    assert b"<li>You were successfully logged in</li>" in rv.data
    # Shown once: the next page has no message.
    assert b"successfully logged in" not in client.get("/").data


def check_revoke(folder):
    os.environ["SECRET_KEY"] = "a key for the deployment chapter's example"
    try:
        app = import_app("app")
    finally:
        del os.environ["SECRET_KEY"]
    laptop = app.test_client()
    login = {"user": "ann", "password": "correct horse"}
    assert laptop.post("/login", data={"user": "ann", "password": "no"}).status_code == 403
    assert laptop.post("/login", data=login).data == b"Logged in"
    assert laptop.get("/").data == b"Hello ann"
    # A copy of the cookie, taken while ann was logged in...
    copy = app.test_client()
    cookie = laptop.get_cookie("session")
    copy.set_cookie(cookie.key, cookie.value)
    assert copy.get("/").data == b"Hello ann"
    # ...stops working when she logs out.
    assert laptop.post("/logout").data == b"Logged out everywhere"
    assert laptop.get("/").data == b"Hello stranger"
    assert copy.get("/").data == b"Hello stranger"
    # Logging in again gives a cookie that works.
    laptop.post("/login", data=login)
    assert laptop.get("/").data == b"Hello ann"


CHECKS = {
    name[len("check_"):]: function
    for name, function in globals().items()
    if name.startswith("check_")
}


# -- the tests ----------------------------------------------------------------


def test_chapters_have_code_blocks():
    for chapter in CHAPTERS:
        assert any(block["chapter"] == chapter for block in ALL_BLOCKS), chapter


@pytest.mark.parametrize(
    "block",
    [block for block in ALL_BLOCKS if block["language"] not in NOT_CODE],
    ids=lambda block: f"{block['chapter']}:{block['line']}",
)
def test_every_code_block_belongs_to_an_example(block):
    assert block["example"] is not None, (
        f"{block['chapter']} line {block['line']}: a {block['language']} block"
        " without an '.. example: NAME/PATH' comment is never run"
    )


def test_every_example_has_a_check():
    examples = {block["example"] for block in ALL_BLOCKS if block["example"]}
    assert examples == set(CHECKS)


@pytest.mark.parametrize("example", sorted(CHECKS))
def test_documented_example_runs(example, materialize):
    folder = materialize(example)
    CHECKS[example](folder)


# -- the health check of the patterns chapter and minitwit's -----------------


def test_healthz_pattern_answers_as_minitwit_does(materialize, monkeypatch, tmp_path):
    """The pattern and examples/minitwit's /healthz give a caller the same
    answers, up and down, and wait as long for the database."""
    import sqlite3

    folder = materialize("healthz")
    with sqlite3.connect(folder / "app.db") as db:
        db.execute("create table entries (text)")
    db.close()
    pattern = __import__("app")
    monkeypatch.setenv("SECRET_KEY", "a key for the health check comparison only")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parent.parent
                                    / "examples" / "minitwit"))
    # Imported here by this test alone, minitwit is forgotten afterwards,
    # so that its tests import it with their own settings.
    if "minitwit" not in sys.modules:
        monkeypatch.setitem(sys.modules, "minitwit", None)
        del sys.modules["minitwit"]
    import minitwit

    monkeypatch.setattr(minitwit, "DATABASE_URL", None)
    monkeypatch.setattr(minitwit, "DATABASE", str(tmp_path / "minitwit.db"))
    minitwit.init_db()
    assert pattern.HEALTH_TIMEOUT == minitwit.HEALTH_TIMEOUT

    def answers():
        errors = io.StringIO()
        ours = pattern.app.test_client().get("/healthz")
        theirs = minitwit.app.test_client().get("/healthz", errors_stream=errors)
        return health_answer(ours), health_answer(theirs)

    assert answers() == (HEALTHY, HEALTHY)
    (folder / "app.db").unlink()
    monkeypatch.setattr(minitwit, "DATABASE", str(tmp_path / "gone" / "minitwit.db"))
    assert answers() == (UNHEALTHY, UNHEALTHY)


# -- the upload example refuses what it cannot save ---------------------------

#: Uploads the example cannot store: the file field (None: the form has
#: none) and the message the example answers with.
REFUSED_UPLOADS = {
    "no-file": (None, b"No file was chosen"),
    # What a browser sends when no file was chosen: a part with no name.
    "empty-filename": ((b"", ""), b"No file was chosen"),
    # secure_filename() leaves nothing of "..".
    "dotdot": ((b"x", ".."), b"The file name has no usable characters"),
}


def refused_upload(case):
    """The form data of a case of REFUSED_UPLOADS, and its message."""
    field, message = REFUSED_UPLOADS[case]
    data = {} if field is None else {"the_file": (io.BytesIO(field[0]), field[1])}
    return data, message


@pytest.mark.parametrize("case", sorted(REFUSED_UPLOADS))
def test_upload_example_answers_an_unusable_upload_with_400_and_a_message(case, materialize):
    materialize("uploads")
    data, message = refused_upload(case)
    rv = import_app("app").test_client().post(
        "/upload", data=data, content_type="multipart/form-data")
    assert (rv.status_code, rv.data) == (400, message)


@pytest.mark.parametrize("case", sorted(REFUSED_UPLOADS))
def test_upload_example_stores_nothing_for_an_unusable_upload(case, materialize):
    folder = materialize("uploads")
    data, _ = refused_upload(case)
    import_app("app").test_client().post(
        "/upload", data=data, content_type="multipart/form-data")
    assert list((folder / "uploads").iterdir()) == []


# -- the sessions example logs out with a POST --------------------------------


@pytest.fixture
def sessions_client(materialize, monkeypatch):
    """A client of the sessions example, logged in as ann."""
    materialize("sessions")
    monkeypatch.setenv("SECRET_KEY", "a key for the quickstart's session example")
    client = import_app("app").test_client()
    client.post("/login", data={"username": "ann"})
    assert b"Logged in as ann" in client.get("/").data
    return client


def test_sessions_example_logs_out_with_a_post(sessions_client):
    rv = sessions_client.post("/logout")
    assert rv.status_code == 302
    assert sessions_client.get("/").data == b"You are not logged in"


def test_sessions_example_refuses_to_log_out_with_a_get(sessions_client):
    assert sessions_client.get("/logout").status_code == 405
    assert b"Logged in as ann" in sessions_client.get("/").data


def test_sessions_example_front_page_has_a_logout_button_that_posts(sessions_client):
    page = sessions_client.get("/").data
    assert re.search(rb'<form method="post" action="/logout">\s*<input type=submit', page)


# -- the box "Running the examples" -------------------------------------------


def box_commands():
    """The shell commands of the quickstart's box "Running the examples",
    without their prompt."""
    lines = (DOCS / "quickstart.rst").read_text(encoding="utf-8").splitlines()
    start = lines.index(".. admonition:: Running the examples")
    commands = []
    for line in lines[start + 1:]:
        if line.strip() and not line.startswith(" "):
            break
        if line.strip().startswith("$ "):
            commands.append(line.strip()[2:])
    return commands


def box_environment():
    """The environment that the box's commands before the last one (which
    starts the example) leave in a shell whose ``python`` is the
    virtualenv's, as the box assumes."""
    import subprocess

    commands = box_commands()
    assert commands[-1] == "python app.py"
    path = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
    shell = subprocess.run(
        ["bash", "-ec", "\n".join(commands[:-1] + ["env -0"])],
        env={"PATH": path}, capture_output=True, check=True,
    )
    pairs = (item.split("=", 1) for item in shell.stdout.decode().split("\0") if item)
    return {name: value for name, value in pairs}


def test_running_the_examples_box_sets_a_long_random_secret_key():
    first, second = box_environment()["SECRET_KEY"], box_environment()["SECRET_KEY"]
    assert len(first) >= 32
    assert first != second


def test_sessions_example_reads_the_secret_key_the_box_sets(materialize, monkeypatch):
    key = box_environment()["SECRET_KEY"]
    materialize("sessions")
    monkeypatch.setenv("SECRET_KEY", key)
    assert import_app("app").secret_key == key


# -- the examples started the way the page says: python app.py ---------------

#: A path each example answers with 200. Each is started in the
#: environment that the box "Running the examples" sets up.
SCRIPT_RUNS = {
    "hello": ("hello.py", "/"),
    "routing": ("app.py", "/post/42"),
    "slashes": ("app.py", "/projects/"),
    "methods": ("app.py", "/login"),
    "templates": ("app.py", "/hello/ann"),
    "request": ("app.py", "/search?q=x"),
    "uploads": ("app.py", "/upload"),
    "cookies": ("app.py", "/"),
    "errors": ("app.py", "/nowhere"),
    "sessions": ("app.py", "/"),
    # The patterns chapter's one whole application, with its templates.
    "flashing": ("app.py", "/login"),
}

#: The examples outside the quickstart that are whole applications, which
#: a reader starts as the quickstart's are started.
WHOLE_APPLICATIONS = {"flashing"}

# app.run() listens on port 5000, which another program may hold: the
# script runs as __main__ exactly as "python app.py" runs it, except that
# Flask.run is given the port on the command line (0: any free port).
RUN_ON_PORT = """
import runpy, sys, flask
port = int(sys.argv[2])
run = flask.Flask.run
flask.Flask.run = lambda self, host=None, port_=None, **options: run(
    self, "127.0.0.1", port, **options)
sys.argv = sys.argv[1:2]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


@pytest.mark.slow
@pytest.mark.parametrize("example", sorted(SCRIPT_RUNS))
def test_documented_example_serves_when_run_as_a_script(example, tmp_path):
    import urllib.error
    import urllib.request

    from server_process import start_server

    folder = tmp_path / example
    for path, code in example_files(example).items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(code, encoding="utf-8")
    script, url_path = SCRIPT_RUNS[example]
    assert "app.run()" in (folder / script).read_text()
    # Port 0: the system picks a free port, which start_server reads back.
    server = start_server(
        example, [sys.executable, "-c", RUN_ON_PORT, script, "0"], tmp_path,
        ready_path=url_path, cwd=folder, env=box_environment(),
    )
    try:
        try:
            with urllib.request.urlopen(server.url + url_path, timeout=5) as rv:
                status = rv.status
        except urllib.error.HTTPError as error:
            status = error.code
            error.close()
        expected = 404 if example == "errors" else 200
        assert status == expected
    finally:
        server.stop()


def test_every_example_is_run_as_a_script():
    examples = {block["example"] for block in ALL_BLOCKS
                if block["example"] and block["chapter"] == "quickstart.rst"}
    assert examples | WHOLE_APPLICATIONS == set(SCRIPT_RUNS)
