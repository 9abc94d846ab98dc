"""The documentation as ``make docs`` builds it: without warnings, its
``>>>`` sessions passing under Sphinx's doctest builder, and an API
reference that describes exactly the public API of ``flask.py``.

The HTML is built once per test run (the ``docs_build`` fixture of
tests/conftest.py), into a temporary folder; the tests that read it are
integration tests by that fixture (make test-integration).
"""
import html as html_module
import pickle
import posixpath
import re
import subprocess
import sys
from pathlib import Path

import pytest
from docutils import nodes
from sphinx.util.inventory import InventoryFile
from werkzeug.test import create_environ

import flask
from doctests import check_sphinx_report

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"


def test_html_build_has_no_warnings(docs_build):
    assert docs_build.status == 0, docs_build.output
    assert "WARNING" not in docs_build.output and "ERROR" not in docs_build.output, docs_build.output


def documents_with_sessions(doctrees):
    """The documents whose pages show a ``>>>`` session for Sphinx to run
    (a doctest block, as docutils parses it)."""
    names = []
    for path in sorted(doctrees.glob("*.doctree")):
        tree = pickle.loads(path.read_bytes())
        if next(tree.findall(nodes.doctest_block), None) is not None:
            names.append(path.stem)
    return names


def test_every_documented_session_runs_and_passes(docs_build, tmp_path):
    # The doctest builder reads the HTML build's doctrees instead of the
    # sources again.
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-n", "-q", "-b", "doctest",
         "-d", str(docs_build.doctrees), str(DOCS), str(tmp_path)],
        capture_output=True, text=True, timeout=300, cwd=REPO,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    documents = documents_with_sessions(docs_build.doctrees)
    assert {"quickstart", "testing", "tutorial"} <= set(documents)
    check_sphinx_report((tmp_path / "output.txt").read_text(encoding="utf-8"), documents)


# -- the API reference, against the module ---------------------------------

@pytest.fixture(scope="module")
def documented(docs_build):
    """The Python objects the built documentation describes, by full name
    (``flask.Flask.route``), read from its inventory (objects.inv, what
    other projects link to)."""
    with open(docs_build.html / "objects.inv", "rb") as f:
        inventory = InventoryFile.load(f, "", posixpath.join)
    return {name: kind for kind, objects in inventory.items() if kind.startswith("py:")
            for name in objects if kind != "py:module"}


def request_context_of(app):
    """The object ``_request_ctx_stack.top`` is during a request."""
    with app.test_request_context():
        return flask._request_ctx_stack.top


def base_attributes(base, instance):
    """The attributes an instance of ``base`` (a class flask.py's class
    derives from) is made with, as ``instance`` was made."""
    if base is object:
        return set()
    made = base(instance.environ) if hasattr(instance, "environ") else base()
    return set(vars(made))


def public_objects():
    """What an application reaches through ``flask``: the names of
    ``__all__``, and the public attributes of the classes it defines (and of
    the request context that ``_request_ctx_stack.top`` is), on the class
    or, for those made in ``__init__``, on an instance."""
    app = flask.Flask("docs_check")
    context = request_context_of(app)
    with app.test_request_context():
        instances = {
            "Flask": app,
            "Request": flask.Request(create_environ()),
            "Response": flask.Response(),
            "Session": flask.Session(),
            type(context).__name__: context,
        }
    objects = {f"flask.{name}": getattr(flask, name) for name in flask.__all__}
    for name, instance in instances.items():
        cls = type(instance)
        objects[f"flask.{name}"] = cls
        # Names set here, not inherited from Werkzeug or the standard
        # library: the class's own, and those its __init__ gives an
        # instance beyond what the base class's would.
        base = next(c for c in cls.__mro__ if c.__module__ != "flask")
        own = set(vars(cls)) | set(cls.__dict__.get("__annotations__", ()))
        own |= set(vars(instance)) - set(base_attributes(base, instance))
        for attribute in sorted(own):
            if not attribute.startswith("_") or attribute == "__call__":
                objects[f"flask.{name}.{attribute}"] = getattr(instance, attribute)
    return objects


def excluded_in_api_chapter():
    """The members the API chapter leaves out on purpose (an autoclass's
    ``:exclude-members:``): Werkzeug's settings that flask.py sets."""
    chapter = (DOCS / "api.rst").read_text(encoding="utf-8")
    excluded = set()
    for cls, members in re.findall(
            r"^\.\. autoclass:: (\w+)\n(?:   :.*\n)*?   :exclude-members: (.*)$", chapter, re.M):
        excluded |= {f"flask.{cls}.{member.strip()}" for member in members.split(",")}
    return excluded


def test_the_api_reference_documents_every_public_name(documented):
    public = set(public_objects())
    excluded = excluded_in_api_chapter()
    assert excluded <= public, "members excluded from the chapter that do not exist"
    assert sorted(public - excluded - set(documented)) == []


def test_the_api_reference_documents_nothing_the_module_lacks(documented):
    # Nothing the reference shows is missing from flask (a name left over
    # after a rename) or an internal one an application cannot reach.
    assert sorted(set(documented) - set(public_objects())) == []


@pytest.mark.parametrize("name", ["Flask", "url_for", "flash", "render_template"])
def test_api_reference_shows_docstring(built_docs, name):
    # The docstring's first words appear. The HTML has tags, entities,
    # other line breaks and typographic apostrophes: compare plain words.
    page = re.sub(r"<[^>]+>", "", (built_docs / "api.html").read_text(encoding="utf-8"))
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
