"""Follows the tutorial the way a reader does: in a fresh folder, from the
built page, block by block in rendered order, putting each block where the
sentence before it says. Wherever the page says to run something, it runs
it and checks what the page promises; at the end, the example's own tests
run against the application the page built.
"""
import http.cookiejar
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from rendered_page import (RunningServer, code_lines, console_steps,
                           files_created, files_named_in, output_matches,
                           parse_command, place, placement, read_page,
                           reader_environment)

REPO = Path(__file__).resolve().parent.parent
FLASKR = REPO / "examples" / "flaskr"
#: Runs a session file in the folder it is started in (tests/doctests.py).
DOCTESTS = REPO / "tests" / "doctests.py"

pytestmark = pytest.mark.slow

# Blocks in these languages are shown, not typed into a file.
SHOWN_ONLY = {"text"}


class Browser:
    """urllib with a cookie jar: enough of a browser to log in."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def request(self, path, form=None):
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(self.base_url + path, data=data, timeout=10) as rv:
                return rv.status, rv.read().decode()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read().decode()


# -- what each "start it now" promises, by section -----------------------------


def promised_no_views(server, promise, folder):
    assert "404" in promise and "flaskr.db" in promise
    assert "Created the database" in server.output()
    assert (folder / "flaskr" / "flaskr.db").exists()
    page = Browser(server.url)
    assert page.request("/")[0] == 404
    assert page.request("/login")[0] == 404


def promised_missing_templates(server, promise, folder):
    assert "TemplateNotFound" in promise and "show_entries.html" in promise
    status, body = Browser(server.url).request("/")
    assert status == 500
    assert "TemplateNotFound" in body and "show_entries.html" in body


def promised_working_app(server, promise, folder):
    assert "admin" in promise and "default" in promise
    page = Browser(server.url)
    status, body = page.request("/")
    assert status == 200 and "No entries here so far" in body
    status, body = page.request("/login", {"username": "admin", "password": "default"})
    assert "You were logged in" in body
    status, body = page.request("/add", {"title": "From the tutorial", "text": "<b>hi</b>"})
    assert "From the tutorial" in body and "<b>hi</b>" in body
    status, body = page.request("/no/such/page")
    assert status == 404 and "Back to the entries" in body


def promised_stylesheet(server, promise, folder):
    assert "stylesheet" in promise
    page = Browser(server.url)
    assert "/static/style.css" in page.request("/")[1]
    status, css = page.request("/static/style.css")
    assert status == 200 and "#377BA8" in css


PROMISES = {
    "Step 3": promised_no_views,
    "Step 5": promised_missing_templates,
    "Step 6": promised_working_app,
    "Step 7": promised_stylesheet,
}


def promise_for(section):
    [check] = [check for step, check in PROMISES.items() if section.startswith(step + ":")]
    return check


def run_console(item, following, folder, log):
    """Run each command of a console block in the ``flaskr`` folder; a
    server is started, checked against its section's promise, stopped."""
    cwd = folder / "flaskr"
    for line, shown in console_steps(item.text):
        assignments, argv = parse_command(line)
        env = reader_environment(assignments)
        if argv[1:] == ["flaskr.py"]:
            server = RunningServer(argv, env, cwd, folder / f"server-{len(log)}.log")
            try:
                server.wait_ready()
                promise_for(item.section)(server, following, folder)
            finally:
                server.stop()
            log.append(item.section)
        else:
            result = subprocess.run(argv, cwd=cwd, env=env, capture_output=True,
                                    text=True, timeout=60)
            output = result.stdout + result.stderr
            assert output_matches(shown, output), (line, shown, output)
            if not shown:
                assert result.returncode == 0, (line, output)


def run_session(item, folder):
    """Run a ``>>>`` session with doctest, in the ``flaskr`` folder, in a
    Python started with ``DEBUG=1`` as the text says; it must have run
    examples, all passing."""
    session = folder / "session.txt"
    session.write_text(item.text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(DOCTESTS), str(session)], cwd=folder / "flaskr",
        env=reader_environment({"DEBUG": "1"}), capture_output=True, text=True,
        timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def tutorial(built_docs):
    return read_page(built_docs / "tutorial.html")


def test_tutorial_followed_step_by_step_builds_flaskr(tutorial, tmp_path):
    servers_run = []
    complete = {}
    previous = ""
    for index, item in enumerate(tutorial):
        if item.kind == "p":
            previous = item.text
            continue
        if item.kind != "code" or item.language in SHOWN_ONLY:
            continue
        following = " ".join(i.text for i in tutorial[index + 1:index + 3] if i.kind == "p")
        if item.language == "console":
            run_console(item, following, tmp_path, servers_run)
        elif item.text.lstrip().startswith(">>>"):
            run_session(item, tmp_path)
        elif previous.startswith("Here is "):
            path = previous.split()[2]
            complete[path] = item.text
        else:
            where = placement(previous)
            assert where, (f"{item.section}: the text before this block does not"
                           f" say where it goes: {previous!r}\n{item.text[:200]}")
            action, path, anchor = where
            place(tmp_path, action, path, anchor, item.text)

    # Every promise of the page was run, in its section.
    assert sorted(s.split(":")[0] for s in servers_run) == sorted(PROMISES)

    # What the reader built is the example, file for file.
    built = tmp_path / "flaskr"
    for path in FLASKR.rglob("*"):
        if (path.is_file() and "__pycache__" not in path.parts
                and not path.name.endswith("_tests.py")
                and path.suffix not in (".md", ".db")):
            relative = path.relative_to(FLASKR)
            assert (built / relative).exists(), f"the tutorial never creates {relative}"
            assert code_lines((built / relative).read_text()) == code_lines(path.read_text()), relative

    # The complete file at the end is the one the steps built.
    assert set(complete) == {"flaskr/flaskr.py"}
    assert code_lines(complete["flaskr/flaskr.py"]) == code_lines((built / "flaskr.py").read_text())

    # The example's tests pass against the built application.
    shutil.copy(FLASKR / "flaskr_tests.py", built)
    result = subprocess.run([sys.executable, "flaskr_tests.py"], cwd=built,
                            env=reader_environment({}), capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK" in result.stderr


def test_every_code_block_of_the_tutorial_is_placed_or_run(tutorial):
    previous = ""
    for item in tutorial:
        if item.kind == "p":
            previous = item.text
        elif item.kind == "code" and item.language not in SHOWN_ONLY | {"console"}:
            if item.text.lstrip().startswith(">>>") or previous.startswith("Here is "):
                continue
            assert placement(previous), (item.section, previous)


def test_the_tutorials_code_names_only_files_the_reader_has(tutorial):
    # The reader's copy has the files the page creates and flask.py, the
    # library they installed, not this repository's README or virtual
    # environment.
    has = files_created(tutorial) | {"flask.py"}
    assert {"flaskr.py", "schema.sql", "layout.html"} <= has
    named = set()
    for item in tutorial:
        if item.kind == "code" and item.language not in SHOWN_ONLY | {"console"}:
            named |= files_named_in(item.text)
    assert named - has == set()
