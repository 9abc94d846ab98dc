"""Plain responses: a str or bytes result, or an HTTP error page, that
nothing could see as a response object is sent without building one
(``Flask._send_plain``), and what goes on the wire is the same, byte for
byte and header for header, as what the full path sends.

The differential test sends a few hundred requests to two copies of the
same application: one as it is, and one with a no-op after-request
function, which forces every request through the full path
(make_response, process_response, the response object).
"""
import itertools
import time

import pytest
from itsdangerous import URLSafeTimedSerializer
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

    @app.route("/session/setdefault")
    def session_setdefault():
        flask.session.setdefault("seen", []).append(1)
        return "appended"

    @app.route("/session/abort")
    def session_abort():
        flask.session.get("user")
        flask.abort(404)

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
    "/session/flash", "/session/unstorable", "/session/setdefault", "/session/abort",
    "/static/style.css", "/static/missing.css",
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
COOKIES = ["none", "valid", "garbage", "tampered", "forged"]


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
        # Signed as the application signs, with a key an attacker guessed.
        "forged": URLSafeTimedSerializer(
            "a guessed key", salt="flask.session",
            signer_kwargs={"digest_method": __import__("hashlib").sha256},
        ).dumps({"user": "admin"}),
    }
    return pairs, cookies


@pytest.fixture
def full_path_calls(monkeypatch):
    """The applications whose requests went through the full path
    (``Flask._finish_request``), one entry per request: the one proof in
    the suite that the shortcut is taken."""
    calls = []
    finish = flask.Flask._finish_request

    def spy(app, ctx, rv):
        calls.append(app)
        return finish(app, ctx, rv)

    monkeypatch.setattr(flask.Flask, "_finish_request", spy)
    return calls


def test_plain_and_full_paths_send_identical_bytes(apps, capsys, full_path_calls):
    pairs, cookies = apps
    requests = corpus()
    assert len(requests) >= 300
    sent = 0
    for request in requests:
        for n, (plain_app, full_app) in enumerate(pairs):
            before = len(full_path_calls)
            plain = send(plain_app, make_environ(request, cookies))
            sent += len(full_path_calls) == before
            full = send(full_app, make_environ(request, cookies))
            where = f"{request} (app pair {n}: error handlers {n >= 2}, guard {n % 2 == 1})"
            assert plain[0] == full[0], where
            assert plain[1] == full[1], where
            assert plain[2] == full[2], where
            # The body has close() wherever the full path's has one.
            assert plain[3] == full[3], where
    capsys.readouterr()
    # The comparison is only worth something if the shortcut was taken,
    # and it is for most requests (static files never reach either path).
    assert sent > len(requests) * len(pairs) // 2


def test_str_bytes_and_error_pages_take_the_shortcut(apps, full_path_calls):
    pairs, cookies = apps
    plain_app = pairs[1][0]
    for path in ("/", "/bytes", "/unicode", "/markup", "/empty", "/nothing/here", "/post",
                 "/abort", "/session/read", "/session/set", "/session/clear"):
        for cookie in ("none", "valid"):
            request = {"path": path, "method": "GET", "host": "localhost", "script": "",
                       "scheme": "http", "query": "", "cookie": cookie, "extra": {}}
            send(plain_app, make_environ(request, cookies))
            assert full_path_calls == [], (path, cookie)


def test_results_a_response_object_could_change_take_the_full_path(apps, full_path_calls):
    pairs, cookies = apps
    plain_app = pairs[0][0]
    for path in ("/tuple", "/response", "/wsgi", "/redirect", "/slash", "/none",
                 "/surrogate", "/session/unstorable"):
        request = {"path": path, "method": "GET", "host": "localhost", "script": "",
                   "scheme": "http", "query": "", "cookie": "none", "extra": {}}
        send(plain_app, make_environ(request, cookies))
        assert full_path_calls == [plain_app], path
        full_path_calls.clear()


def hello_app():
    app = flask.Flask(__name__)
    app.secret_key = SECRET

    @app.route("/")
    def index():
        return "Hello"

    return app


def get(app, path="/"):
    with app.test_client().get(path) as response:
        return response.status_code, response.headers, response.data


def test_a_view_that_reads_the_session_gets_vary_cookie():
    app = hello_app()
    app.route("/read")(lambda: str(flask.session.get("user")))
    assert get(app, "/read")[1].getlist("Vary") == ["Cookie"]


def test_a_view_that_never_opens_the_session_gets_no_vary():
    assert "Vary" not in get(hello_app())[1]


def test_vary_cookie_joins_the_vary_header_a_view_set():
    app = hello_app()

    @app.route("/both")
    def both():
        flask.session["a"] = 1
        return "both", 200, {"Vary": "Accept-Encoding"}

    assert get(app, "/both")[1].getlist("Vary") == ["Accept-Encoding, Cookie"]


def test_an_error_page_after_the_session_was_read_gets_vary_cookie():
    app = hello_app()

    @app.route("/missing")
    def missing():
        flask.session.get("user")
        flask.abort(404)

    status, headers, _ = get(app, "/missing")
    assert (status, headers.getlist("Vary")) == (404, ["Cookie"])


def test_a_failed_session_save_still_sends_vary_cookie():
    app = hello_app()

    @app.route("/unstorable")
    def unstorable():
        flask.session["value"] = object()
        return "never saved"

    status, headers, _ = get(app, "/unstorable")
    assert status == 500
    assert headers.getlist("Vary") == ["Cookie"]
    assert "Set-Cookie" not in headers


def test_without_a_secret_key_reading_the_session_adds_no_vary():
    app = flask.Flask(__name__)
    app.route("/")(lambda: str(dict(flask.session)))
    assert "Vary" not in get(app)[1]


# Every hook and method the full path consults, overridden at any time,
# counts from the next request on.

RESPONSE_METHODS = ["make_response", "process_response", "save_session"]


def tagging(name):
    """An override of ``name`` that marks the response (or, for
    save_session, stores nothing and marks it)."""
    original = getattr(flask.Flask, name)

    def override(self, *args):
        rv = original(self, *args)
        response = rv if name != "save_session" else args[1]
        response.headers["X-Overridden"] = name
        return rv

    return override


@pytest.mark.parametrize("name", RESPONSE_METHODS)
def test_a_response_method_overridden_on_the_class_after_the_first_request_counts(name):
    app = hello_app()
    if name == "save_session":
        app.route("/s")(lambda: flask.session.setdefault("n", "1"))
    path = "/s" if name == "save_session" else "/"
    assert "X-Overridden" not in get(app, path)[1]
    app.__class__ = type("Overriding", (flask.Flask,), {name: tagging(name)})
    assert get(app, path)[1]["X-Overridden"] == name


@pytest.mark.parametrize("name", RESPONSE_METHODS)
def test_a_response_method_overridden_on_the_instance_after_the_first_request_counts(name):
    app = hello_app()
    if name == "save_session":
        app.route("/s")(lambda: flask.session.setdefault("n", "1"))
    path = "/s" if name == "save_session" else "/"
    assert "X-Overridden" not in get(app, path)[1]
    setattr(app, name, tagging(name).__get__(app))
    assert get(app, path)[1]["X-Overridden"] == name


def test_an_instance_override_that_keeps_the_number_of_attributes_counts():
    app = hello_app()
    app.extra = 1
    assert "X-Overridden" not in get(app)[1]
    size = len(vars(app))
    del app.extra
    app.process_response = tagging("process_response").__get__(app)
    assert len(vars(app)) == size
    assert get(app)[1]["X-Overridden"] == "process_response"


@pytest.mark.parametrize("name", ["preprocess_request", "dispatch_request", "match_request"])
@pytest.mark.parametrize("where", ["class", "instance"])
def test_a_dispatching_method_overridden_after_the_first_request_counts(name, where):
    app = hello_app()
    assert get(app)[2] == b"Hello"
    calls = []
    original = getattr(flask.Flask, name)

    def override(self):
        calls.append(name)
        return original(self)

    if where == "class":
        app.__class__ = type("Overriding", (flask.Flask,), {name: override})
    else:
        setattr(app, name, override.__get__(app))
    assert get(app)[2] == b"Hello"
    assert calls == [name]


@pytest.mark.parametrize("where", ["class", "instance"])
def test_bind_url_map_overridden_after_the_first_request_counts(where):
    app = hello_app()
    app.route("/only-here", subdomain="api")(lambda: "api")
    app.url_map.default_subdomain = ""
    assert get(app)[2] == b"Hello"

    def bind(self, environ):
        return self.url_map.bind("example.com", subdomain="api")

    if where == "class":
        app.__class__ = type("Binding", (flask.Flask,), {"_bind_url_map": bind})
    else:
        app._bind_url_map = bind.__get__(app)
    assert get(app, "/only-here")[2] == b"api"


def test_registering_a_before_request_function_later_takes_effect(client, app):
    app.route("/")(lambda: "Hello")
    assert client.get("/").data == b"Hello"
    app.before_request_funcs.append(lambda: "refused")
    assert client.get("/").data == b"refused"


def test_registering_an_after_request_function_later_takes_effect(client, app):
    app.route("/")(lambda: "Hello")
    assert client.get("/").headers.get("X-After") is None
    app.after_request_funcs.append(lambda response: response.headers.set("X-After", "1") or response)
    assert client.get("/").headers["X-After"] == "1"


def test_registering_an_error_handler_later_takes_effect(client, app):
    assert client.get("/missing").status_code == 404
    app.errorhandler(404)(lambda error: ("handled", 404))
    assert client.get("/missing").data == b"handled"


def test_setting_response_class_later_takes_effect(app):
    app.route("/")(lambda: "Hello")
    assert get(app)[1]["Content-Type"] == "text/html; charset=utf-8"

    class Plain(flask.Response):
        default_mimetype = "text/plain"

    app.response_class = Plain
    assert get(app)[1]["Content-Type"] == "text/plain; charset=utf-8"


def test_a_response_class_that_frames_bodies_differently_is_used(app):
    app.route("/")(lambda: "Hello")

    class Framed(flask.Response):
        def get_wsgi_headers(self, environ):
            headers = super().get_wsgi_headers(environ)
            headers["X-Framed"] = "1"
            return headers

    app.response_class = Framed
    assert get(app)[1]["X-Framed"] == "1"


def test_the_default_mimetype_of_the_response_class_is_read_at_each_request(app, monkeypatch):
    app.route("/")(lambda: "Hello")
    assert get(app)[1]["Content-Type"] == "text/html; charset=utf-8"
    monkeypatch.setattr(flask.Response, "default_mimetype", "text/plain")
    assert get(app)[1]["Content-Type"] == "text/plain; charset=utf-8"


def test_a_plain_body_has_close(app):
    app.route("/")(lambda: "Hello")
    result = app(create_environ("/"), lambda status, headers, exc_info=None: None)
    assert list(result) == [b"Hello"]
    result.close()


def test_head_request_sends_the_length_but_no_body(app):
    app.route("/")(lambda: "Hello")
    status, headers, body, _, _ = send(app, create_environ("/", method="HEAD"))
    assert (status, body) == ("200 OK", b"")
    assert ("Content-Length", "5") in headers


def test_routing_errors_have_their_status_line_and_allow_header(app):
    app.route("/post", methods=["POST"])(lambda: "posted")
    missing = send(app, create_environ("/missing"))
    not_allowed = send(app, create_environ("/post"))
    assert missing[0] == "404 NOT FOUND"
    assert not_allowed[0] == "405 METHOD NOT ALLOWED"
    assert ("Allow", "POST") in not_allowed[1]


def test_a_session_changed_before_a_404_is_saved(app):
    app.secret_key = SECRET

    @app.before_request
    def remember():
        flask.session["visited"] = True

    response = app.test_client().get("/missing")
    assert response.status_code == 404
    assert "session=" in response.headers["Set-Cookie"]


def test_an_error_page_shows_the_description_it_was_given_each_time(app):
    @app.route("/user/<name>")
    def user(name):
        flask.abort(404, description=f"No user {name}.")

    assert b"No user ann." in get(app, "/user/ann")[2]
    assert b"No user bob." in get(app, "/user/bob")[2]
    assert b"The requested URL was not found" in get(app, "/nothing")[2]
