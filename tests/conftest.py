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


class DocsBuild:
    """The documentation built once per test run (see ``docs_build``)."""

    def __init__(self, status, output, folder):
        self.status = status      # sphinx-build's exit status
        self.output = output      # what it printed: its warnings
        self.html = folder / "html"
        self.doctrees = folder / "doctrees"


@pytest.fixture(scope="session")
def docs_build(tmp_path_factory):
    """The documentation built to HTML once per test run, as ``make docs``
    builds it (warnings are errors, every reference must resolve), into a
    temporary folder, never into docs/_build. The build keeps going past
    a warning, so that the tests of what it wrote still run; the test of
    the build's warnings reads ``output``."""
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("docs")
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-n", "-q", "-b", "html",
         "-d", str(out / "doctrees"), str(REPO / "docs"), str(out / "html")],
        capture_output=True, text=True, timeout=300, cwd=REPO,
    )
    build = DocsBuild(result.returncode, result.stdout + result.stderr, out)
    assert (build.html / "index.html").exists(), build.output
    return build


@pytest.fixture(scope="session")
def built_docs(docs_build):
    """The folder of the built HTML pages, for the tests that read pages
    the way a reader sees them."""
    return docs_build.html


# -- which tests make check runs ------------------------------------------
#
# make check runs flask.py's own fast tests; make test-integration the
# rest: every test marked ``slow``, and the examples' own suites (marked
# ``example``). The marks are given here by folder, so that a test file in
# these folders needs none of its own; a test that reads the built
# documentation is marked ``slow`` too, since it waits for the build.

TESTS = REPO / "tests"
INTEGRATION_FOLDERS = [TESTS / name for name in ("browser", "deploy", "reliability", "scaleout")]
EXAMPLES = REPO / "examples"


def pytest_collection_modifyitems(items):
    for item in items:
        path = Path(item.path)
        if any(path.is_relative_to(folder) for folder in INTEGRATION_FOLDERS) \
                or {"docs_build", "built_docs"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
        if path.is_relative_to(EXAMPLES):
            item.add_marker(pytest.mark.example)
