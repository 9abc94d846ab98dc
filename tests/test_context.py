"""Request contexts and the context locals request, session and g:
binding, isolation between concurrent requests, and errors outside of
a request."""
import asyncio
import io
import threading

import gevent
import pytest

import flask


@pytest.mark.parametrize("name", ["request", "session", "g"])
def test_context_local_outside_a_request_raises_runtime_error(name):
    proxy = getattr(flask, name)
    with pytest.raises(RuntimeError, match="request context"):
        proxy.anything


def test_url_for_outside_a_request_raises_runtime_error(app):
    @app.route("/")
    def index():
        return "x"

    with pytest.raises(RuntimeError, match="request context"):
        flask.url_for("index")


def test_stack_top_is_none_outside_a_request():
    assert flask._request_ctx_stack.top is None


def test_test_request_context_binds_a_request(app):
    with app.test_request_context("/hello", method="POST"):
        assert flask.request.path == "/hello"
        assert flask.request.method == "POST"
    assert flask._request_ctx_stack.top is None


def test_request_context_binds_a_wsgi_environment(app):
    from werkzeug.test import create_environ

    environ = create_environ("/form", method="POST")
    with app.request_context(environ):
        assert flask.request.method == "POST"
        assert flask.request.environ is environ
    assert flask._request_ctx_stack.top is None


def test_context_manager_returns_the_context_with_its_parts(app):
    with app.test_request_context("/x") as ctx:
        top = flask._request_ctx_stack.top
        assert top is ctx
        assert top.app is app
        assert top.request is flask.request._get_current_object()
        assert top.session is flask.session._get_current_object()
        assert top.g is flask.g._get_current_object()
        assert top.url_adapter.match("/static/a.css") == ("static", {"filename": "a.css"})


def test_context_is_unbound_after_an_exception_without_debug(app):
    with pytest.raises(ZeroDivisionError):
        with app.test_request_context():
            1 / 0
    assert flask._request_ctx_stack.top is None


def test_nested_contexts_restore_the_outer_one(app):
    with app.test_request_context("/outer"):
        with app.test_request_context("/inner"):
            assert flask.request.path == "/inner"
        assert flask.request.path == "/outer"


def test_g_is_fresh_for_each_request(app, client):
    @app.route("/")
    def index():
        seen = getattr(flask.g, "counter", 0)
        flask.g.counter = seen + 1
        return str(flask.g.counter)

    assert client.get("/").data == b"1"
    assert client.get("/").data == b"1"


#: What Werkzeug's interactive debugger puts in the environ of a request
#: it runs: the application may hand it the context to keep.
DEBUGGER_ENVIRON = {"werkzeug.debug.preserve_context": [].append}


def test_debugger_keeps_the_context_after_an_unhandled_exception(app, client):
    app.debug = True

    @app.route("/fail")
    def fail():
        flask.g.clue = "left for the debugger"
        raise ValueError("boom")

    with pytest.raises(ValueError):
        client.get("/fail?x=1", environ_overrides=DEBUGGER_ENVIRON)
    # The debugger can still look at the failed request.
    assert flask.request.path == "/fail"
    assert flask.request.args["x"] == "1"
    assert flask.g.clue == "left for the debugger"


def test_next_request_drops_the_kept_context(app, client):
    app.debug = True

    @app.route("/fail")
    def fail():
        raise ValueError("boom")

    @app.route("/ok")
    def ok():
        return flask.request.path

    with pytest.raises(ValueError):
        client.get("/fail", environ_overrides=DEBUGGER_ENVIRON)
    assert flask._request_ctx_stack.top is not None
    assert client.get("/ok").data == b"/ok"
    # The kept context was dropped when the new request came in, and the
    # new one was unbound at its end: nothing is left.
    assert flask._request_ctx_stack.top is None


def test_debug_mode_without_the_debugger_keeps_no_context(app, client):
    """A failed request's context is kept only for Werkzeug's debugger: a
    plain client (or server) in debug mode finds the stack empty after
    the exception."""
    app.debug = True

    @app.route("/fail")
    def fail():
        raise ValueError("boom")

    with pytest.raises(ValueError):
        client.get("/fail")
    assert flask._request_ctx_stack.top is None


def test_threads_with_overlapping_requests_are_isolated(app):
    app.secret_key = "test key"
    barrier = threading.Barrier(2, timeout=10)

    @app.route("/<name>")
    def view(name):
        flask.g.name = name
        flask.session["name"] = name
        # Both requests are inside their views at the same time here.
        barrier.wait()
        return f"{flask.request.path} {flask.g.name} {flask.session['name']}"

    results = {}

    def worker(name):
        results[name] = app.test_client().get(f"/{name}").data

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("ann", "bob")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert results == {"ann": b"/ann ann ann", "bob": b"/bob bob bob"}


def test_greenlets_are_isolated(app):
    app.secret_key = "test key"

    def worker(name):
        with app.test_request_context(f"/{name}"):
            flask.g.name = name
            flask.session["name"] = name
            # Let the other greenlet run and bind its own context.
            gevent.sleep(0.01)
            return f"{flask.request.path} {flask.g.name} {flask.session['name']}"

    jobs = [gevent.spawn(worker, name) for name in ("ann", "bob")]
    gevent.joinall(jobs, timeout=10, raise_error=True)
    assert [job.value for job in jobs] == ["/ann ann ann", "/bob bob bob"]


def test_asyncio_tasks_are_isolated(app):
    app.secret_key = "test key"

    async def worker(name, both_bound):
        with app.test_request_context(f"/{name}"):
            flask.g.name = name
            flask.session["name"] = name
            both_bound.append(name)
            while len(both_bound) < 2:
                await asyncio.sleep(0)
            return f"{flask.request.path} {flask.g.name} {flask.session['name']}"

    async def main():
        both_bound = []
        return await asyncio.gather(worker("ann", both_bound), worker("bob", both_bound))

    assert asyncio.run(main()) == ["/ann ann ann", "/bob bob bob"]


def test_unhandled_error_traceback_goes_to_wsgi_errors(app, client):
    @app.route("/")
    def index():
        raise KeyError("secret detail")

    errors = io.StringIO()
    response = client.get("/", errors_stream=errors)
    assert response.status_code == 500
    assert "Traceback" in errors.getvalue()
    assert "secret detail" in errors.getvalue()
    assert b"secret detail" not in response.data
