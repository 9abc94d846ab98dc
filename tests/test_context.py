"""Request contexts and the context locals request, session and g:
binding, isolation between concurrent requests, and errors outside of
a request."""
import asyncio
import io
import threading

import gevent
import pytest
from werkzeug.debug import DebuggedApplication
from werkzeug.test import Client

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
        assert top.url_adapter.build("static", {"filename": "a.css"}) == "/static/a.css"


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


def test_the_stack_pops_its_items_in_reverse_order_and_then_none(app):
    # The stack's own interface, as Werkzeug's LocalStack has it.
    stack = flask._request_ctx_stack
    outer, inner = app.test_request_context("/outer"), app.test_request_context("/inner")
    stack.push(outer)
    stack.push(inner)
    assert stack.top is inner
    assert (stack.pop(), stack.top) == (inner, outer)
    assert (stack.pop(), stack.top) == (outer, None)
    assert (stack.pop(), stack.top) == (None, None)


def test_g_is_made_on_first_use_and_then_kept(app):
    with app.test_request_context() as ctx:
        assert "g" not in vars(ctx)
        flask.g.user = "ann"
        assert vars(ctx)["g"] is flask.g._get_current_object()
        assert flask.g.user == "ann"


def test_g_is_fresh_for_each_request(app, client):
    @app.route("/")
    def index():
        seen = getattr(flask.g, "counter", 0)
        flask.g.counter = seen + 1
        return str(flask.g.counter)

    assert client.get("/").data == b"1"
    assert client.get("/").data == b"1"


def debugged(app):
    """The application behind Werkzeug's interactive debugger, as
    ``app.run(debug=True)`` serves it."""
    return Client(DebuggedApplication(app, evalex=True))


def test_the_debugger_keeps_the_context_after_an_unhandled_exception(app):
    app.debug = True

    @app.route("/fail")
    def fail():
        flask.g.clue = "left for the debugger"
        raise ValueError("boom")

    response = debugged(app).get("/fail?x=1")
    assert response.status_code == 500
    assert b"ValueError: boom" in response.data
    # The debugger can still look at the failed request.
    assert flask.request.path == "/fail"
    assert flask.request.args["x"] == "1"
    assert flask.g.clue == "left for the debugger"


def test_the_debugger_binds_the_kept_context_around_console_commands(app):
    app.debug = True
    contexts = []

    @app.route("/fail")
    def fail():
        environ = flask.request.environ
        real_preserve = environ["werkzeug.debug.preserve_context"]
        environ["werkzeug.debug.preserve_context"] = lambda cm: (contexts.append(cm), real_preserve(cm))
        raise ValueError("boom")

    debugged(app).get("/fail")
    flask._request_ctx_stack.pop()
    # What the debugger does in another thread before and after a command.
    seen = []

    def console_command():
        with contexts[0]:
            seen.append(flask.request.path)
        seen.append(flask._request_ctx_stack.top)

    thread = threading.Thread(target=console_command)
    thread.start()
    thread.join()
    assert seen == ["/fail", None]


def test_next_request_drops_the_kept_context(app):
    app.debug = True

    @app.route("/fail")
    def fail():
        raise ValueError("boom")

    @app.route("/ok")
    def ok():
        return flask.request.path

    client = debugged(app)
    client.get("/fail")
    assert flask._request_ctx_stack.top is not None
    assert client.get("/ok").data == b"/ok"
    # The kept context was dropped when the new request came in, and the
    # new one was unbound at its end: nothing is left.
    assert flask._request_ctx_stack.top is None


def test_debug_without_the_debugger_unbinds_the_failed_context(app, client):
    app.debug = True

    @app.route("/fail")
    def fail():
        raise ValueError("boom")

    with pytest.raises(ValueError):
        client.get("/fail")
    assert flask._request_ctx_stack.top is None


def test_a_failed_request_in_debug_mode_does_not_hold_the_database_lock(app, tmp_path):
    """Under a server whose worker threads serve one request after another
    (gunicorn's gthread workers, waitress), a request that failed in debug
    mode while writing must not keep its connection, and so SQLite's
    write lock, until that thread's next request."""
    import sqlite3
    from contextlib import closing

    database = tmp_path / "app.db"
    with closing(sqlite3.connect(database)) as db:
        db.execute("create table entries (text)")
        db.commit()
    app.debug = True

    @app.before_request
    def connect():
        flask.g.db = sqlite3.connect(database, timeout=0.5)

    # The application closes its connection as the examples do; a failed
    # request in debug mode never reaches this function.
    @app.after_request
    def close(response):
        flask.g.db.close()
        return response

    @app.route("/fail", methods=["POST"])
    def fail():
        flask.g.db.execute("insert into entries values ('lost')")
        raise ValueError("the view broke after writing")

    @app.route("/write", methods=["POST"])
    def write():
        flask.g.db.execute("insert into entries values ('kept')")
        flask.g.db.commit()
        return "written"

    # Two worker threads that live on, as a server's do.
    failed = threading.Event()
    done = threading.Event()
    outcome = {}

    def first_worker():
        try:
            app.test_client().post("/fail")
        except ValueError:
            outcome["first"] = "failed"
        failed.set()
        done.wait(10)

    def second_worker():
        failed.wait(10)
        try:
            outcome["second"] = app.test_client().post("/write").data
        except sqlite3.OperationalError as e:
            outcome["second"] = str(e)
        done.set()

    threads = [threading.Thread(target=first_worker), threading.Thread(target=second_worker)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)
    assert outcome == {"first": "failed", "second": b"written"}


def test_a_failed_request_in_debug_mode_closes_only_what_can_be_closed(app, client):
    """What a failed request's g holds is closed if it has a close() and
    otherwise left as it is; a plain value is no error."""
    app.debug = True
    closed = []

    class Connection:
        def close(self):
            closed.append(self)

    connection = Connection()
    settings = {"close": "not a method"}

    @app.route("/fail")
    def fail():
        flask.g.db = connection
        flask.g.user = "alice"
        flask.g.settings = settings
        raise ValueError("boom")

    with pytest.raises(ValueError):
        client.get("/fail")
    assert closed == [connection]
    assert settings == {"close": "not a method"}


def test_threads_with_overlapping_requests_are_isolated(app):
    app.secret_key = "a test key, long enough"
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
    app.secret_key = "a test key, long enough"

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
    app.secret_key = "a test key, long enough"

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


def test_the_context_has_its_documented_attributes_and_no_others(app):
    with app.test_request_context("/here") as ctx:
        assert ctx.app is app
        assert ctx.request.path == "/here"
        assert ctx.g is flask.g._get_current_object()
        assert ctx.url_adapter.build("static", {"filename": "a.css"}) == "/static/a.css"
        assert not hasattr(ctx, "requests")
        with pytest.raises(AttributeError, match="no_such_thing"):
            ctx.no_such_thing
