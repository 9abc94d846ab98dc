"""Builds the documentation the way ``make docs`` does, and runs its
``>>>`` sessions with Sphinx's doctest builder, so that ``make test``
fails when a documented example or reference breaks.

Both builds write into a temporary folder, never into docs/_build.
"""
import html as html_module
import re
import subprocess
import sys
from pathlib import Path

import pytest

import flask

# Two Sphinx builds take longer than the whole rest of the fast tests:
# make test runs them, make check does not.
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"

# The public API of SPEC.md: the module's names and the Flask attributes
# and methods the API chapter must describe.
MODULE_NAMES = [
    "Flask", "Request", "Response", "request", "session", "g", "url_for",
    "flash", "get_flashed_messages", "render_template",
    "render_template_string", "abort", "redirect", "escape", "Markup",
    "_request_ctx_stack",
]
FLASK_NAMES = [
    "add_url_rule", "route", "before_request", "after_request",
    "context_processor", "errorhandler", "create_jinja_loader",
    "dispatch_request", "make_response", "match_request", "open_resource",
    "open_session", "save_session", "preprocess_request", "process_response",
    "request_context", "test_request_context", "test_client",
    "update_template_context", "run", "wsgi_app", "debug", "secret_key",
    "session_cookie_name", "static_path", "jinja_options", "jinja_env",
    "view_functions", "error_handlers", "before_request_funcs",
    "after_request_funcs", "template_context_processors", "request_class",
    "response_class", "package_name", "root_path",
]


def sphinx_build(builder, out):
    """Run sphinx-build with warnings as errors and nitpicky references;
    return (exit status, combined output)."""
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-n", "-q",
         "-b", builder, "-d", str(out / "doctrees"), str(DOCS), str(out / builder)],
        capture_output=True, text=True, timeout=300, cwd=REPO,
    )
    return result.returncode, result.stdout + result.stderr


@pytest.fixture(scope="module")
def html(tmp_path_factory):
    """The HTML build: its exit status, output and folder."""
    out = tmp_path_factory.mktemp("docs")
    status, output = sphinx_build("html", out)
    return status, output, out / "html"


def test_html_build_has_no_warnings(html):
    status, output, _ = html
    assert status == 0, output
    assert "WARNING" not in output and "ERROR" not in output, output


def test_doctest_sessions_pass(tmp_path):
    status, output = sphinx_build("doctest", tmp_path)
    assert status == 0, output
    report = (tmp_path / "doctest" / "output.txt").read_text()
    # The summary counts the sessions run; there must be some, all passed.
    assert re.search(r"^\s+[1-9]\d* tests", report, re.M), report
    assert "0 failures in tests" in report, report


@pytest.mark.parametrize("name", MODULE_NAMES)
def test_api_reference_describes_module_name(html, name):
    status, output, folder = html
    page = (folder / "api.html").read_text(encoding="utf-8")
    assert f'id="flask.{name}"' in page


@pytest.mark.parametrize("name", FLASK_NAMES)
def test_api_reference_describes_flask_attribute(html, name):
    status, output, folder = html
    page = (folder / "api.html").read_text(encoding="utf-8")
    assert f'id="flask.Flask.{name}"' in page


@pytest.mark.parametrize("name", ["Flask", "url_for", "flash", "render_template"])
def test_api_reference_shows_docstring(html, name):
    # The docstring's first words appear. The HTML has tags, entities,
    # other line breaks and typographic apostrophes: compare plain words.
    status, output, folder = html
    page = re.sub(r"<[^>]+>", "", (folder / "api.html").read_text(encoding="utf-8"))
    page = html_module.unescape(page).replace("\u2019", "'")
    first_words = " ".join(getattr(flask, name).__doc__.split()[:6])
    assert first_words in " ".join(page.split())


#: The longest line a code block of the built pages may have: what fits a
#: code block of the theme in a window 1280 pixels wide (the browser test
#: tests/browser/test_browser_docs.py measures that), and the width of a
#: terminal that the reader copies a line into.
LONGEST_CODE_LINE = 79


def pre_lines(page):
    """The lines of every ``<pre>`` block of an HTML page as a reader sees
    them: the highlighting's tags removed, entities decoded."""
    lines = []
    for block in re.findall(r"<pre\b[^>]*>(.*?)</pre>", page, re.S):
        text = html_module.unescape(re.sub(r"<[^>]+>", "", block))
        lines.extend(text.split("\n"))
    return lines


def test_code_lines_are_measured_without_the_highlighting_markup():
    page = ('<div class="highlight"><pre><span></span><span class="k">if</span>'
            ' a &lt; b:\n    <span class="k">pass</span>\n</pre></div>')
    assert pre_lines(page) == ["if a < b:", "    pass", ""]


def test_no_code_line_of_the_built_pages_is_longer_than_79_characters(built_docs):
    pages = sorted(built_docs.glob("*.html"))
    lines = {page.name: pre_lines(page.read_text(encoding="utf-8")) for page in pages}
    # The pages have code to measure: the tutorial alone shows hundreds
    # of lines.
    assert len(lines["tutorial.html"]) > 300
    too_long = [f"{name} ({len(line)}): {line}" for name, page_lines in lines.items()
                for line in page_lines if len(line) > LONGEST_CODE_LINE]
    assert too_long == []


def test_deployment_chapter_shows_every_tested_config():
    # The deployment chapter includes the files the deployment and cluster
    # tests run, so the two cannot drift apart; a new config needs its
    # place there.
    chapter = (DOCS / "deployment.rst").read_text(encoding="utf-8")
    configs = sorted(f"{folder}/configs/{p.name}" for folder in ("deploy", "scaleout")
                     for p in (REPO / "tests" / folder / "configs").iterdir() if p.is_file())
    assert configs
    missing = [name for name in configs
               if f"literalinclude:: ../tests/{name}" not in chapter]
    assert missing == []
