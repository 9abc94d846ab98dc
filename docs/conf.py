"""Sphinx configuration of the flask.py documentation.

Built by ``make docs`` (HTML, warnings are errors, nitpicky references)
and by ``tests/test_docs_build.py`` (HTML and the doctest builder).
"""
import os
import sys

# Document the flask.py beside this folder, never an installed Flask.
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, ROOT)

project = "flask.py"
author = "the flask.py authors"
copyright = "the flask.py authors, BSD-3-Clause"

import flask  # noqa: E402  (needs the sys.path line above)

version = release = flask.__version__

# docs/_ext holds the project's own directives: the benchmark's Markdown
# report shown as tables, and a method shown under its class's line.
sys.path.insert(0, os.path.join(ROOT, "docs", "_ext"))

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.doctest",
    "markdown_report",
    "method_include",
]

exclude_patterns = ["_build"]
html_theme = "alabaster"
# The theme's page is 940 pixels wide, which leaves a code block room for
# about 65 characters. At 1100 pixels a line of 79 characters (the longest
# the code blocks have, see tests/test_docs_build.py) fits in a window
# 1280 pixels wide; narrower windows get the theme's one-column layout,
# where longer lines scroll inside their block. _static/custom.css, which
# the theme links on every page, narrows the blocks' side padding.
html_theme_options = {"page_width": "1100px"}
html_static_path = ["_static"]
pygments_style = "sphinx"

# Signatures show the parameters; the types are in the prose.
autodoc_typehints = "none"
autodoc_member_order = "bysource"

# The doctest builder runs every ">>>" session of the documentation. Each
# page's sessions share one namespace; this runs before each of them.
doctest_global_setup = f"""
import flask
REPO_ROOT = {ROOT!r}
"""

# Every reference must resolve (``-n``). The documentation of Werkzeug,
# Jinja2, itsdangerous, MarkupSafe and the standard library would be linked
# through intersphinx, but the build must work without a network, so
# references to their names are accepted unresolved instead. Names of this
# project are not listed here: they must resolve.
nitpick_ignore = [
    ("py:exc", "TypeError"),
    ("py:exc", "RuntimeError"),
    ("py:exc", "KeyError"),
    ("py:class", "dict"),
    ("py:func", "open"),
]
nitpick_ignore_regex = [
    # The libraries flask.py is built on.
    (r"py:.*", r"(werkzeug|jinja2|itsdangerous|markupsafe)(\..*)?"),
    # The standard library.
    (r"py:.*", r"(datetime|decimal|uuid|sqlite3|contextlib|wsgiref|json|logging|unittest|tempfile|os)(\..*)?"),
]


def _bind_context_locals(app):
    # autodoc inspects every documented object, and flask.request, session
    # and g are proxies that raise RuntimeError outside a request. While
    # Sphinx reads the sources, a request context of a throwaway
    # application is bound so that inspecting them works; the proxies'
    # documentation still comes from their "#:" comments in flask.py.
    ctx = flask.Flask("flask").test_request_context()
    ctx.push()
    app.connect("env-updated", lambda app, env: ctx.pop())


def setup(app):
    app.connect("builder-inited", _bind_context_locals)
