"""Shared pieces of the security tests: the Hypothesis profile they run
under, an application that uses every feature an attacker can reach, and
helpers that send it a raw WSGI request and check what comes back."""
import io
import re
import secrets
from urllib.parse import unquote_to_bytes

import pytest
from hypothesis import HealthCheck, settings
from werkzeug.test import create_environ

import flask

# The hostile-input tests must find the same thing on every run, on every
# machine: no example database, a fixed derandomized search, and no
# per-example deadline (this machine is shared and its timing is noisy).
# Each test takes this profile as its parent (``settings.get_profile``),
# so it applies to them always, in CI or not, without changing the
# settings of anybody else's Hypothesis tests.
settings.register_profile(
    "flask-security",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: Text that must never reach a client: Python's traceback header, the
#: frames of a traceback, and a line of the framework's own source.
LEAK_MARKERS = [
    b"Traceback (most recent call last)",
    b'File "/',
    b"_request_ctx_stack = LocalStack()",
    b"werkzeug/",
]

PAGE_TEMPLATE = """<!doctype html>
<title>{{ title }}</title>
<ul>{% for message in get_flashed_messages() %}<li>{{ message }}</li>{% endfor %}</ul>
<a href="{{ url_for('show_user', name=title) }}" title="{{ title }}">{{ title }}</a>
<p class="{{ session.get('note', '') }}">{{ session.get('note', '') }}</p>
"""


def build_hostile_app(root, secret):
    """An application that uses every route converter (default, int,
    float, path, uuid), forms, file uploads, sessions, templates from
    files and strings, flashing, a custom 404 page and static files, so
    that hostile requests reach every part of the framework."""
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates" / "page.html").write_text(PAGE_TEMPLATE)
    (root / "static").mkdir(exist_ok=True)
    (root / "static" / "style.css").write_text("body { color: black }\n")

    app = flask.Flask(__name__)
    app.root_path = str(root)
    app.secret_key = secret

    @app.route("/")
    def index():
        return flask.render_template("page.html", title=flask.request.args.get("q", "home"))

    @app.route("/user/<name>")
    def show_user(name):
        return flask.render_template_string("<h1>{{ name }}</h1>", name=name)

    @app.route("/post/<int:post_id>")
    def show_post(post_id):
        return f"post {post_id}"

    @app.route("/price/<float:amount>")
    def show_price(amount):
        return f"price {amount!r}"

    @app.route("/files/<path:subpath>")
    def show_file(subpath):
        return flask.render_template_string("{{ subpath }}", subpath=subpath)

    @app.route("/item/<uuid:item_id>")
    def show_item(item_id):
        return f"item {item_id}"

    @app.route("/form", methods=["GET", "POST"])
    def form():
        # Bounded, so that a huge form does not make a huge cookie.
        flask.session["note"] = flask.request.form.get("note", "")[:80]
        first = next(iter(flask.request.form.values()), "")
        if first:
            flask.flash(first[:80])
        return flask.render_template("page.html", title=str(len(flask.request.form)))

    @app.route("/upload", methods=["POST"])
    def upload():
        sizes = {name: len(f.read()) for name, f in flask.request.files.items()}
        return flask.render_template_string("{{ sizes }}", sizes=sizes)

    @app.route("/json", methods=["POST"])
    def read_json():
        data = flask.request.get_json()
        return flask.render_template_string("{{ kind }}", kind=type(data).__name__)

    @app.route("/session")
    def set_session():
        for key, value in list(flask.request.args.items())[:5]:
            flask.session[key[:20]] = value[:40]
        return flask.redirect(flask.url_for("index"))

    @app.route("/flash", methods=["GET", "POST"])
    def flash_message():
        flask.flash(flask.request.values.get("m", "hello")[:80])
        return flask.redirect(flask.url_for("index", q=flask.request.values.get("q", "")))

    @app.route("/messages")
    def messages():
        return flask.render_template("page.html", title="messages")

    @app.errorhandler(404)
    def not_found(error):
        return flask.render_template_string("no page at {{ request.path }}"), 404

    return app


#: The paths of the hostile application's routes, for building requests.
ROUTE_PATHS = [
    "/", "/user/{}", "/post/{}", "/price/{}", "/files/{}", "/item/{}", "/form",
    "/upload", "/json", "/session", "/flash", "/messages", "/static/{}", "/{}",
]


@pytest.fixture(scope="session")
def hostile_secret():
    """The hostile application's secret key, random for every run."""
    return "key-" + secrets.token_hex(16)


@pytest.fixture(scope="session")
def hostile_app(tmp_path_factory, hostile_secret):
    """The application of :func:`build_hostile_app`, shared by the
    hostile-input tests (it keeps no state between requests)."""
    return build_hostile_app(tmp_path_factory.mktemp("hostile"), hostile_secret)


def make_environ(method="GET", path="/", query="", headers=None, body=b""):
    """A WSGI environment built by hand, so that it can hold what a test
    client would refuse to produce: undecodable paths, lying
    Content-Length headers, control characters. ``path`` and ``query`` are
    native strings as PEP 3333 has them (bytes decoded as latin-1);
    ``headers`` maps CGI names (``CONTENT_TYPE``, ``HTTP_COOKIE``...) to
    values and replaces the defaults."""
    environ = create_environ("/", "http://localhost/")
    environ.update(
        REQUEST_METHOD=method,
        PATH_INFO=path,
        QUERY_STRING=query,
        CONTENT_LENGTH=str(len(body)),
    )
    environ["wsgi.input"] = io.BytesIO(body)
    environ["wsgi.errors"] = io.StringIO()
    for name, value in (headers or {}).items():
        if value is None:
            environ.pop(name, None)
        else:
            environ[name] = value
    return environ


_STATUS = re.compile(r"[1-5][0-9][0-9] [^\r\n]*\Z")
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+\Z")


def call_wsgi(app, environ):
    """Call ``app`` with ``environ`` as a WSGI server would, check that the
    response it starts is well-formed HTTP (a valid status line, header
    names that are tokens, values without line breaks that encode as
    latin-1, a body of bytes as long as its Content-Length) and return
    ``(status_code, headers, body)``."""
    started = []

    def start_response(status, headers, exc_info=None):
        started.append((status, headers))

    iterable = app(environ, start_response)
    try:
        body = b"".join(iterable)
    finally:
        if hasattr(iterable, "close"):
            iterable.close()
    assert len(started) == 1, f"start_response was called {len(started)} times"
    status, headers = started[0]
    assert _STATUS.match(status), f"malformed status line {status!r}"
    for name, value in headers:
        assert _TOKEN.match(name), f"malformed header name {name!r}"
        assert "\r" not in value and "\n" not in value, f"line break in {name}: {value!r}"
        value.encode("latin-1")
    lengths = [value for name, value in headers if name.lower() == "content-length"]
    if lengths and environ["REQUEST_METHOD"] != "HEAD":
        assert int(lengths[0]) == len(body), "Content-Length does not match the body"
    return int(status[:3]), headers, body


def assert_safe_response(status, body, secret, sent=b""):
    """The properties every response to hostile input must have: not a
    server error, and nothing of the server's insides in the body.

    ``sent`` is what the client sent (path, query, body, headers): a
    marker that is part of it may come back legitimately, as a 404 page
    names the path it could not find, so only markers the client did not
    send count as leaks. The secret key counts always."""
    assert status < 500, f"status {status} for hostile input; body {body[:300]!r}"
    echoes = sent + unquote_to_bytes(sent) + unquote_to_bytes(sent.replace(b"+", b" "))
    for marker in LEAK_MARKERS:
        if marker not in echoes:
            assert marker not in body, f"{marker!r} leaked into a response body"
    assert secret.encode() not in body, "the secret key leaked into a response body"


# The helpers above, as fixtures, so that test modules need not import
# this conftest by name.


@pytest.fixture(scope="session")
def wsgi_environ():
    """:func:`make_environ`: a hand-built WSGI environment."""
    return make_environ


@pytest.fixture(scope="session")
def wsgi_call():
    """:func:`call_wsgi`: call an application and check its response."""
    return call_wsgi


@pytest.fixture(scope="session")
def assert_safe():
    """:func:`assert_safe_response`: no 5xx, no traceback, no secret."""
    return assert_safe_response


@pytest.fixture(scope="session")
def route_paths():
    """The path patterns of the hostile application (``{}`` is filled in)."""
    return ROUTE_PATHS


