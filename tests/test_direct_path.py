"""The direct path: results that nothing could observe as a response object
are sent without one, and what goes on the wire is the same, byte for byte,
as what the full path sends.

The differential test sends a few hundred requests to two copies of the
same application: one as it is, where the direct path applies, and one
with a no-op after-request function, which forces every request through
the full path (make_response, process_response, the response object).
"""
import itertools
import time

import pytest
from werkzeug.test import create_environ

import flask

SECRET = "differential-test-secret-key-0123456789"


def build_app(root_path, *, full, handlers, guard):
    """The application of the corpus. ``full`` adds a no-op before-request
    and a no-op after-request function; ``handlers`` registers 404, 405
    and 500 handlers; ``guard`` a before-request function that refuses
    /guarded."""
    app = flask.Flask(__name__)
    app.root_path = str(root_path)
    app.secret_key = SECRET

    if guard:
        @app.before_request
        def refuse_guarded():
            if flask.request.path.startswith("/guarded"):
                flask.abort(401)

    @app.route("/")
    def index():
        return "Hello, World!"

    @app.route("/bytes")
    def raw():
        return b"\x00\xffraw bytes"

    @app.route("/unicode")
    def unicode():
        return "Grüße, 世界 ☃ — \U0001f600"

    @app.route("/empty")
    def empty():
        return ""

    @app.route("/markup")
    def markup():
        return flask.Markup("<b>bold</b>")

    @app.route("/tuple")
    def with_status():
        return "created", 201, {"X-Thing": "1"}

    @app.route("/response")
    def response_object():
        return flask.Response("plain", mimetype="text/plain")

    @app.route("/wsgi")
    def wsgi_callable():
        def application(environ, start_response):
            start_response("202 Accepted", [("Content-Type", "text/plain")])
            return [b"from a WSGI app"]

        return application

    @app.route("/redirect")
    def go():
        return flask.redirect(flask.url_for("index", next="/a b", q="é"))

    @app.route("/slash/")
    def slash():
        return "slash"

    @app.route("/user/<int:user_id>")
    def user(user_id):
        return f"user {user_id} at {flask.url_for('user', user_id=user_id)}"

    @app.route("/post", methods=["POST"])
    def post():
        return "posted " + flask.request.form.get("x", "")

    @app.route("/abort")
    def aborted():
        flask.abort(403)

    @app.route("/error")
    def error():
        raise ValueError("boom")

    @app.route("/none")
    def returns_none():
        return None

    @app.route("/surrogate")
    def surrogate():
        return "\ud800"

    @app.route("/guarded")
    def guarded():
        return "never sent"

    @app.route("/session/set")
    def session_set():
        flask.session["user"] = "ada"
        flask.session["seen"] = flask.session.get("seen", 0) + 1
        return "set"

    @app.route("/session/read")
    def session_read():
        return f"user={flask.session.get('user')}"

    @app.route("/session/clear")
    def session_clear():
        flask.session.clear()
        return "cleared"

    @app.route("/session/flash")
    def session_flash():
        flask.flash("hi")
        return "flashed"

    @app.route("/session/unstorable")
    def session_unstorable():
        flask.session["value"] = object()
        return "unreachable"

    if handlers:
        @app.errorhandler(404)
        def not_found(error):
            return "no such page", 404

        @app.errorhandler(405)
        def not_allowed(error):
            return flask.Response("wrong method", status=405, headers={"Allow": "POST"})

        @app.errorhandler(500)
        def server_error(error):
            return "server error", 500

    if full:
        app.before_request(lambda: None)
        app.after_request(lambda response: response)
    return app


PATHS = [
    "/", "/bytes", "/unicode", "/empty", "/markup", "/tuple", "/response", "/wsgi",
    "/redirect", "/slash", "/slash/", "/user/7", "/user/x", "/post", "/abort", "/error",
    "/none", "/surrogate", "/guarded", "/session/set", "/session/read", "/session/clear",
    "/session/flash", "/session/unstorable", "/static/style.css", "/static/missing.css",
    "/static/../secret.txt", "/nothing/here", "/caf%C3%A9", "/%FF",
]
METHODS = ["GET", "HEAD", "POST"]
HOSTS = [
    "localhost", "example.com:8080", "[::1]:5000", "EXAMPLE.com", "xn--bcher-kva.example",
    "b\xc3\xbccher.example", "bad host!", "a..b", None, "localhost:80",
]
SCRIPT_NAMES = ["", "/app", "/m\xc3\xa4unt"]
SCHEMES = ["http", "https"]
QUERIES = ["", "a=1&b=%C3%A9", "x=\xc3\xa9&x=2"]
COOKIES = ["none", "valid", "garbage", "tampered"]


def corpus():
    """About three hundred requests: every path with every method, the
    other parts of the request varied along with them."""
    requests = []
    combos = list(itertools.product(PATHS, METHODS))
    for shift in range(4):
        for i, (path, method) in enumerate(combos):
            n = i + shift * 7
            extra = {}
            if shift == 3 and i % 5 == 0:
                extra = {"HTTP_UPGRADE": "websocket", "HTTP_CONNECTION": "Upgrade"}
            if shift == 2 and path.startswith("/static/") and method != "POST":
                extra = {"HTTP_IF_MODIFIED_SINCE": "Wed, 01 Jan 2100 00:00:00 GMT"}
            if method == "POST" and i % 2:
                extra["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
            requests.append({
                "path": path, "method": method, "host": HOSTS[n % len(HOSTS)],
                "script": SCRIPT_NAMES[n % len(SCRIPT_NAMES)], "scheme": SCHEMES[(n // 3) % 2],
                "query": QUERIES[n % len(QUERIES)], "cookie": COOKIES[(n // 2) % len(COOKIES)],
                "extra": extra,
            })
    return requests


def make_environ(request, cookies):
    environ = create_environ(method=request["method"], data=b"x=%C3%A9" if request["method"] == "POST" else None)
    environ.update({
        "PATH_INFO": request["path"], "SCRIPT_NAME": request["script"],
        "QUERY_STRING": request["query"], "wsgi.url_scheme": request["scheme"],
        "SERVER_NAME": "server.local", "SERVER_PORT": "8000",
    })
    del environ["HTTP_HOST"]
    if request["host"] is not None:
        environ["HTTP_HOST"] = request["host"]
    cookie = cookies[request["cookie"]]
    if cookie:
        environ["HTTP_COOKIE"] = f"session={cookie}"
    environ.update(request["extra"])
    return environ


def send(app, environ):
    """Call the application as a WSGI server does; return the status, the
    header list, the body and whether the iterable had close()."""
    captured = []

    def start_response(status, headers, exc_info=None):
        captured[:] = [status, headers]
        return lambda data: None

    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        closable = hasattr(result, "close")
        if closable:
            result.close()
    return captured[0], captured[1], body, closable, type(result)


@pytest.fixture
def apps(tmp_path, monkeypatch):
    """The corpus's applications, direct and full, without and with error
    handlers, sharing one static folder, and the cookies the corpus sends."""
    static = tmp_path / "static"
    static.mkdir()
    (static / "style.css").write_text("body { color: red }")
    (tmp_path / "secret.txt").write_text("do not serve")
    # Signed cookies may carry a timestamp: both sides sign at one instant.
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now)
    pairs = [
        (
            build_app(tmp_path, full=False, handlers=h, guard=g),
            build_app(tmp_path, full=True, handlers=h, guard=g),
        )
        for h in (False, True) for g in (False, True)
    ]
    set_cookie = send(pairs[0][1], create_environ("/session/set"))[1]
    valid = next(v for k, v in set_cookie if k == "Set-Cookie").split(";")[0].split("=", 1)[1]
    cookies = {
        "none": None, "valid": valid, "garbage": "not-a-session!",
        "tampered": valid[:-2] + ("AA" if not valid.endswith("AA") else "BB"),
    }
    return pairs, cookies


def test_direct_and_full_paths_send_identical_bytes(apps, capsys, monkeypatch):
    pairs, cookies = apps
    requests = corpus()
    assert len(requests) >= 300
    direct_sent = 0
    dispatched = []  # the apps that dispatched without match_request
    dispatch = flask.Flask._dispatch

    def spy(app, ctx, match):
        if getattr(match, "__func__", None) is flask._RequestContext._match:
            dispatched.append(app)
        return dispatch(app, ctx, match)

    monkeypatch.setattr(flask.Flask, "_dispatch", spy)
    for request in requests:
        for n, (direct_app, full_app) in enumerate(pairs):
            direct = send(direct_app, make_environ(request, cookies))
            full = send(full_app, make_environ(request, cookies))
            where = f"{request} (app pair {n}: error handlers {n >= 2}, guard {n % 2 == 1})"
            assert direct[0] == full[0], where
            assert direct[1] == full[1], where
            assert direct[2] == full[2], where
            # The body has close() wherever the full path's has one.
            assert direct[3] == full[3], where
            direct_sent += direct[4] is flask._DirectBody
            assert full[4] is not flask._DirectBody
    capsys.readouterr()
    # The comparison is only worth something if the direct path was taken:
    # sending for most requests, dispatching for those of the apps without
    # a before-request function (and never for a full one).
    assert direct_sent > len(requests) // 2
    direct_apps = {id(pairs[0][0]), id(pairs[2][0])}
    assert {id(app) for app in dispatched} == direct_apps
    assert len(dispatched) > len(requests)


def test_str_bytes_and_routing_errors_take_the_direct_path(apps):
    # The kinds of result the direct path is for are sent directly.
    pairs, cookies = apps
    direct_app = pairs[1][0]
    for path in ("/", "/bytes", "/unicode", "/markup", "/empty", "/nothing/here", "/post"):
        request = {"path": path, "method": "GET", "host": "localhost", "script": "",
                   "scheme": "http", "query": "", "cookie": "none", "extra": {}}
        assert send(direct_app, make_environ(request, cookies))[4] is flask._DirectBody, path


def hello_app():
    app = flask.Flask(__name__)

    @app.route("/")
    def index():
        return "Hello"

    return app


def body_type(app, path="/"):
    return send(app, create_environ(path))[4]


def test_registering_a_before_request_function_later_takes_effect(client, app):
    app.route("/")(lambda: "Hello")
    assert client.get("/").data == b"Hello"
    app.before_request_funcs.append(lambda: "refused")
    assert client.get("/").data == b"refused"


@pytest.mark.parametrize("name", ["preprocess_request", "dispatch_request", "match_request"])
def test_overriding_a_dispatching_method_on_the_class_takes_effect(name):
    app = hello_app()
    assert body_type(app) is flask._DirectBody
    calls = []

    def override(self):
        calls.append(name)
        return getattr(flask.Flask, name)(self)

    app.__class__ = type("Overriding", (flask.Flask,), {name: override})
    assert app.test_client().get("/").data == b"Hello"
    assert calls == [name]


def test_overriding_dispatch_request_on_the_instance_takes_effect(app):
    app.route("/")(lambda: "Hello")
    assert app.test_client().get("/").data == b"Hello"
    app.dispatch_request = lambda: "dispatched by the instance"
    assert app.test_client().get("/").data == b"dispatched by the instance"


def test_registering_an_after_request_function_later_takes_effect(client, app):
    app.route("/")(lambda: "Hello")
    assert client.get("/").headers.get("X-After") is None
    app.after_request_funcs.append(lambda response: response.headers.set("X-After", "1") or response)
    assert client.get("/").headers["X-After"] == "1"


def test_setting_response_class_later_takes_effect(app):
    app.route("/")(lambda: "Hello")
    assert body_type(app) is flask._DirectBody

    class Plain(flask.Response):
        default_mimetype = "text/plain"

    app.response_class = Plain
    response = app.test_client().get("/")
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_overriding_make_response_on_the_instance_takes_effect(app):
    app.route("/")(lambda: "Hello")
    assert body_type(app) is flask._DirectBody
    original = app.make_response
    app.make_response = lambda rv: original(rv.upper())
    assert app.test_client().get("/").data == b"HELLO"


def test_overriding_process_response_on_the_class_takes_effect():
    app = hello_app()
    assert body_type(app) is flask._DirectBody

    class Tagged(flask.Flask):
        def process_response(self, response):
            response.headers["X-Tagged"] = "yes"
            return super().process_response(response)

    app.__class__ = Tagged
    assert app.test_client().get("/").headers["X-Tagged"] == "yes"


def test_overriding_save_session_takes_effect(app):
    app.secret_key = SECRET

    @app.route("/")
    def index():
        flask.session["a"] = 1
        return "Hello"

    saved = []
    app.save_session = lambda session, response: saved.append(dict(session))
    response = app.test_client().get("/")
    assert saved == [{"a": 1}]
    assert "Set-Cookie" not in response.headers


def test_a_response_class_that_frames_bodies_differently_is_used(app):
    # The direct path asks the response class how it frames a body, so a
    # response class that frames it differently is never bypassed.
    app.route("/")(lambda: "Hello")

    class Framed(flask.Response):
        def get_wsgi_headers(self, environ):
            headers = super().get_wsgi_headers(environ)
            headers["X-Framed"] = "1"
            return headers

    app.response_class = Framed
    assert app.test_client().get("/").headers["X-Framed"] == "1"


def test_direct_body_has_close(app):
    app.route("/")(lambda: "Hello")
    result = app(create_environ("/"), lambda status, headers, exc_info=None: None)
    assert list(result) == [b"Hello"]
    result.close()


def test_head_request_sends_the_length_but_no_body(app):
    app.route("/")(lambda: "Hello")
    # The application itself, without the static files' middleware.
    application = lambda environ, start_response: flask.Flask.wsgi_app(app, environ, start_response)  # noqa: E731
    status, headers, body, _, kind = send(application, create_environ("/", method="HEAD"))
    assert kind is flask._DirectBody
    assert (status, body) == ("200 OK", b"")
    assert ("Content-Length", "5") in headers


def test_routing_error_pages_are_remembered_per_kind(app):
    app.route("/post", methods=["POST"])(lambda: "posted")
    first = send(app, create_environ("/missing"))
    second = send(app, create_environ("/other-missing"))
    not_allowed = send(app, create_environ("/post"))
    assert first[:3] == second[:3]
    assert first[0] == "404 NOT FOUND"
    assert not_allowed[0] == "405 METHOD NOT ALLOWED"
    assert ("Allow", "POST") in not_allowed[1]
    assert second[4] is flask._DirectBody


def test_modified_session_with_a_404_goes_the_full_path(app):
    app.secret_key = SECRET

    @app.before_request
    def remember():
        flask.session["visited"] = True

    response = app.test_client().get("/missing")
    assert response.status_code == 404
    assert "session=" in response.headers["Set-Cookie"]


def test_a_response_class_patched_to_frame_bodies_differently_is_used(app, monkeypatch):
    original = flask.Response.get_wsgi_headers

    def get_wsgi_headers(self, environ):
        headers = original(self, environ)
        headers["X-Framed"] = "1"
        return headers

    monkeypatch.setattr(flask.Response, "get_wsgi_headers", get_wsgi_headers)
    app.route("/")(lambda: "Hello")
    assert app.test_client().get("/").headers["X-Framed"] == "1"
