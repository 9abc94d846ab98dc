"""The URL adapter: requests that agree on host, scheme, script name and
method share one adapter for matching, and each request's own adapter
(``ctx.url_adapter``, which url_for uses) is made on first use. Either way
the result is what ``Map.bind_to_environ`` gives for the request."""
import gc
import tracemalloc

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, MapAdapter, RequestRedirect, Rule
from werkzeug.test import create_environ

import flask


def routed_app(host_matching=False):
    app = flask.Flask(__name__)
    app.url_map.host_matching = host_matching
    host = {"host": "<sub>.example.com"} if host_matching else {}
    for rule, endpoint, options in [
        ("/", "index", {}),
        ("/dir/", "directory", {}),
        ("/user/<int:user_id>", "user", {}),
        ("/files/<path:name>", "files", {}),
        ("/form", "form", {"methods": ["POST"]}),
        ("/ws", "socket", {"websocket": True}),
        ("/old", "old", {"redirect_to": "/dir/"}),
    ]:
        app.add_url_rule(rule, endpoint, **host, **options)
        app.view_functions[endpoint] = lambda **values: "x"
    return app


def outcome(call):
    """What a match or build gives: its result, or the exception's kind
    with what a client would see of it."""
    try:
        return ("ok", call())
    except RequestRedirect as e:
        return ("redirect", e.new_url)
    except HTTPException as e:
        return (type(e).__name__, e.code, getattr(e, "valid_methods", None))
    except Exception as e:
        return (type(e).__name__,)


def app_outcomes(app, environ):
    # Exceptions are caught inside the context: one leaving it makes the
    # context collect garbage, which would slow the test down.
    created = outcome(lambda: app.request_context(environ))
    if created[0] != "ok":
        return created, created
    with created[1] as ctx:
        return outcome(app.match_request), outcome(
            lambda: ctx.url_adapter.build("user", {"user_id": 3, "q": "é"}, force_external=True)
        )


def werkzeug_outcomes(url_map, environ):
    bound = outcome(lambda: url_map.bind_to_environ(environ))
    if bound[0] != "ok":
        return bound, bound
    return outcome(bound[1].match), outcome(
        lambda: bound[1].build("user", {"user_id": 3, "q": "é"}, force_external=True)
    )


WEBSOCKET = {"HTTP_UPGRADE": "websocket", "HTTP_CONNECTION": "keep-alive, Upgrade"}
KEEP_ALIVE = {"HTTP_CONNECTION": "keep-alive, Upgrade"}
# WSGI strings: the request's bytes as latin-1 text.
wsgi_text = st.binary(max_size=12).map(lambda b: b.decode("latin-1"))
hosts = st.one_of(
    st.sampled_from([
        "localhost", "example.com", "EXAMPLE.COM:8080", "a.example.com", "x.y.example.com",
        "[::1]", "[::1]:5000", "[2001:db8::1]:443", "127.0.0.1:80", "xn--bcher-kva.example",
        "b\xc3\xbccher.example", "bad host", "a..b", "", "example.com:", "h\x00st", None,
    ]),
    wsgi_text,
)
paths = st.one_of(
    st.sampled_from([
        "", "/", "/dir", "/dir/", "/user/7", "/user/x", "/files/a/b.txt", "/form", "/ws",
        "/old", "//dir", "/caf\xc3\xa9", "/%2e%2e/", "/\xff",
    ]),
    wsgi_text.map(lambda text: "/" + text),
)
script_names = st.sampled_from(["", "/app", "/app/", "/m\xc3\xa4unt", "/a b"])
methods = st.sampled_from(["GET", "GET", "HEAD", "POST", "PUT", "get"])
queries = st.one_of(st.sampled_from(["", "a=1", "next=%2F&x=\xc3\xa9"]), wsgi_text)
schemes = st.sampled_from(["http", "https"])
upgrades = st.sampled_from([{}, {}, WEBSOCKET, KEEP_ALIVE])


def environ_of(*, host, scheme, script_name, path, method, query, upgrade):
    environ = create_environ()
    environ.update({
        "wsgi.url_scheme": scheme, "SCRIPT_NAME": script_name, "PATH_INFO": path,
        "REQUEST_METHOD": method, "QUERY_STRING": query,
        "SERVER_NAME": "server.example.com", "SERVER_PORT": "8443",
    })
    del environ["HTTP_HOST"]
    if host is not None:
        environ["HTTP_HOST"] = host
    environ.update(upgrade)
    return environ


def changed(parts, name):
    """The parts of a request with one of them changed."""
    other = dict(parts)
    value = parts[name]
    other[name] = {
        "host": "other.example.com" if value != "other.example.com" else "localhost",
        "scheme": "https" if value == "http" else "http",
        "script_name": "/other" if value != "/other" else "",
        "method": "POST" if value != "POST" else "GET",
        "upgrade": KEEP_ALIVE if value == WEBSOCKET else WEBSOCKET,
    }[name]
    return other


# Earlier requests that each differ from the one checked in one part,
# besides their path and query string: none may lend it its adapter unless
# that part cannot change the outcome.
earlier_requests = st.lists(
    st.tuples(st.sampled_from(["host", "scheme", "script_name", "method", "upgrade"]), paths),
    min_size=1, max_size=3,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    host=hosts, scheme=schemes, script_name=script_names, path=paths, method=methods,
    query=queries, upgrade=upgrades, host_matching=st.booleans(), earlier=earlier_requests,
)
@example(host="localhost", scheme="http", script_name="/app", path="", method="GET",
         query="a=1", upgrade={}, host_matching=False, earlier=[("script_name", "/")])
def test_matching_and_building_agree_with_bind_to_environ(
    host, scheme, script_name, path, method, query, upgrade, host_matching, earlier
):
    app = routed_app(host_matching)
    parts = {"host": host, "scheme": scheme, "script_name": script_name,
             "method": method, "upgrade": upgrade}
    for name, other_path in earlier:
        app_outcomes(app, environ_of(path=other_path, query="z=9", **changed(parts, name)))
    # The drawn path, and those that redirect: a redirect's URL shows the
    # most of an adapter (scheme, host, script name).
    # Each twice, and the index in between: the second time, a path that
    # matched a rule without variable parts is answered from memory.
    for checked in (path, "", "/dir", "/old", "/", path, "/", "//", "/dir"):
        environ = environ_of(path=checked, query=query, **parts)
        assert app_outcomes(app, environ) == werkzeug_outcomes(app.url_map, environ)


def test_request_without_path_info_matches_the_root(app):
    app.route("/")(lambda: "root")
    environ = create_environ()
    del environ["PATH_INFO"]
    statuses = []
    body = app(environ, lambda status, headers, exc_info=None: statuses.append(status))
    assert (statuses, b"".join(body)) == (["200 OK"], b"root")


def test_a_map_subclass_binds_every_request(app):
    bound = []

    class CountingMap(Map):
        def bind_to_environ(self, environ, server_name=None, subdomain=None):
            bound.append(environ["PATH_INFO"])
            return super().bind_to_environ(environ, server_name, subdomain)

    app.url_map = CountingMap()
    app.add_url_rule("/<name>", "page")
    app.view_functions["page"] = lambda name: name
    client = app.test_client()
    assert client.get("/a").data == b"a"
    assert client.get("/b").data == b"b"
    assert bound == ["/a", "/b"]


def test_overriding_bind_url_map_changes_the_adapter_of_every_request():
    class FixedHost(flask.Flask):
        def _bind_url_map(self, environ):
            return self.url_map.bind("fixed.example.com", script_name="/fixed")

    app = FixedHost(__name__)

    @app.route("/where")
    def where():
        return flask._request_ctx_stack.top.url_adapter.build("where", force_external=True)

    client = app.test_client()
    assert client.get("/where").data == b"http://fixed.example.com/fixed/where"
    assert client.get("/where", base_url="http://other.example.com").data == (
        b"http://fixed.example.com/fixed/where"
    )


def test_what_many_hosts_leave_behind_stays_bounded(app):
    # A URL adapter is kept per host for the requests that follow: 2,000
    # more hosts after the first 100 add no more than a few kept adapters
    # would (each holds about 750 bytes; all 2,000 would be 1.5 MB).
    app.route("/")(lambda: "x")

    def request_from(host):
        environ = create_environ(base_url=f"http://host{host}.example.com")
        body = app(environ, lambda status, headers, exc_info=None: None)
        assert b"".join(body) == b"x"
        body.close()

    tracemalloc.start()
    try:
        for host in range(100):
            request_from(host)
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        for host in range(100, 2100):
            request_from(host)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 256 * 1024


def test_a_path_matched_before_follows_a_new_map(app):
    app.add_url_rule("/a", "a")

    def matched():
        environ = create_environ()
        environ["PATH_INFO"] = "/a"
        with app.request_context(environ):
            return outcome(app.match_request)

    assert matched() == matched() == ("ok", ("a", {}))
    app.url_map = Map([Rule("/a", endpoint="other")])
    assert matched() == ("ok", ("other", {}))


def test_a_path_matched_before_follows_a_rule_added_later(app):
    app.add_url_rule("/a", "a", methods=["GET"])
    client = app.test_client()
    app.view_functions["a"] = lambda: "a"
    assert client.put("/a").status_code == client.put("/a").status_code == 405
    app.add_url_rule("/a", "put_a", methods=["PUT"])
    app.view_functions["put_a"] = lambda: "put"
    assert client.put("/a").data == b"put"


def test_what_matching_keeps_does_not_grow_with_what_clients_send(app):
    """64 hosts times 120 paths of up to 3,600 slashes: what matching
    keeps between requests stays within a few megabytes."""
    app.add_url_rule("/a", "a")
    app.view_functions["a"] = lambda: "a"
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for host in range(64):
            for n in range(120):
                environ = create_environ(base_url=f"http://host{host}.example.com")
                environ["PATH_INFO"] = "/" * (n * 30 + 1) + "a"
                body = app(environ, lambda status, headers, exc_info=None: None)
                b"".join(body)
                body.close()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 8 * 2**20


def test_an_adapter_class_of_its_own_matches_every_request(app):
    calls = []

    class CountingAdapter(MapAdapter):
        def match(self, *args, **kwargs):
            calls.append(args[0])
            return super().match(*args, **kwargs)

    class CountingMap(Map):
        def bind_to_environ(self, environ, **kwargs):
            adapter = super().bind_to_environ(environ, **kwargs)
            adapter.__class__ = CountingAdapter
            return adapter

    app.url_map = CountingMap()
    app.add_url_rule("/a", "a")
    for _ in range(3):
        with app.test_request_context("/a"):
            assert app.match_request() == ("a", {})
    assert calls == ["/a", "/a", "/a"]
