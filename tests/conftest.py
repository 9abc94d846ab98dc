"""Fixtures shared by the whole test suite, and the guard that makes sure
the tests exercise this repository's flask.py and nothing else."""
from pathlib import Path

import pytest

import flask

REPO = Path(__file__).resolve().parent.parent

# This machine's global site-packages may hold an unrelated Flask; a test
# run against it would prove nothing about ours.
if Path(flask.__file__).resolve() != REPO / "flask.py":
    raise pytest.UsageError(
        f"'import flask' found {flask.__file__}, not {REPO / 'flask.py'}:"
        " run the tests through 'make test' (the project's .venv)."
    )


@pytest.fixture
def app(tmp_path):
    """A fresh application whose templates, static files and resources
    live in a temporary folder."""
    app = flask.Flask(__name__)
    app.root_path = str(tmp_path)
    return app


@pytest.fixture
def client(app):
    """A test client of the ``app`` fixture. Like a WSGI server, it closes
    every response it got (which closes a static file's handle) when the
    test is done; a test that makes its own client closes its responses
    itself (``with client.get(...) as response``)."""
    client = app.test_client()
    responses = []
    open_request = client.open

    def open_and_keep(*args, **kwargs):
        response = open_request(*args, **kwargs)
        responses.append(response)
        return response

    client.open = open_and_keep
    yield client
    for response in responses:
        response.close()


@pytest.fixture
def require():
    """Skip a test whose system dependency (a server binary, a browser) is
    missing, with the reason printed; fail instead under
    ``FLASK_TEST_REQUIRE_ALL=1``, as CI sets it.

    Usage: ``require(shutil.which('nginx'), 'nginx is not installed')``.
    """
    import os

    def require(available, reason):
        if not available:
            if os.environ.get("FLASK_TEST_REQUIRE_ALL") == "1":
                pytest.fail(f"required under FLASK_TEST_REQUIRE_ALL=1: {reason}")
            pytest.skip(reason)

    return require


#: The environ key through which Werkzeug's interactive debugger asks the
#: application to keep a failed request's context for its console.
PRESERVE_CONTEXT = "werkzeug.debug.preserve_context"


@pytest.fixture(autouse=True)
def _no_leftover_request_context():
    """Fail a test that leaves a request context bound: the next request
    in the same thread would find it. The one context allowed to stay is
    the one kept for Werkzeug's debugger (a failed request whose environ
    carries ``werkzeug.debug.preserve_context``); it is unbound here."""
    yield
    leaked = []
    while (context := flask._request_ctx_stack.top) is not None:
        flask._request_ctx_stack.pop()
        if PRESERVE_CONTEXT not in context.request.environ:
            leaked.append(f"{context.request.method} {context.request.path}")
    if leaked:
        pytest.fail(f"request contexts left bound after the test: {leaked}")


# The figures measured by the reliability and security tests, by folder,
# repeated at the end of the run whatever the output options.
_FIGURES: dict = {}


@pytest.fixture
def figure(request, record_property):
    """Report one measured figure of a test: printed (seen with ``-s`` or
    ``-rA``), stored as the test's ``figure`` property (in JUnit XML) and
    repeated in a ``<folder> figures`` section at the end of the run."""
    folder = Path(request.node.path).parent.name

    def report(text):
        print(text)
        record_property("figure", text)
        _FIGURES.setdefault(folder, []).append(f"{request.node.name}: {text}")

    return report


def pytest_terminal_summary(terminalreporter):
    """Show the figures the tests reported."""
    for folder, lines in _FIGURES.items():
        terminalreporter.section(f"{folder} figures")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def built_docs(tmp_path_factory):
    """The documentation built to HTML once per test run, as ``make docs``
    builds it, into a temporary folder; returns that folder. The tests
    that read pages the way a reader sees them use it."""
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("built_docs")
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "html",
         "-d", str(out / "doctrees"), str(REPO / "docs"), str(out / "html")],
        capture_output=True, text=True, timeout=300, cwd=REPO,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out / "html"
