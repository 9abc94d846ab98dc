"""Debug mode is off unless asked for, and with it off an error never
shows a traceback, the exception's message, the source or the secret."""
import pytest
import werkzeug.serving

import flask

SECRET = "debug-test-secret-4a1f"


@pytest.fixture
def failing_app(app):
    """An application whose view fails with the secret in the message."""
    app.secret_key = SECRET

    @app.route("/fail")
    def fail():
        flask.session["touched"] = True
        raise ValueError(f"could not connect with password {SECRET}")

    return app


def test_debug_is_off_by_default(app):
    assert app.debug is False


def test_run_starts_neither_debugger_nor_reloader_by_default(app, monkeypatch):
    """app.run() passes use_debugger=False and use_reloader=False to the
    development server unless told otherwise."""
    seen = {}
    monkeypatch.setattr(werkzeug.serving, "run_simple", lambda *args, **kw: seen.update(kw))
    app.run(port=0)
    assert (seen["use_debugger"], seen["use_reloader"]) == (False, False)


def assert_no_leak(body):
    for marker in [b"Traceback", b"ValueError", SECRET.encode(), b"raise ValueError", b'File "']:
        assert marker not in body, f"{marker!r} in a production error page"


def test_an_unhandled_error_gives_a_plain_500(failing_app):
    response = failing_app.test_client().get("/fail")
    assert response.status_code == 500
    assert_no_leak(response.data)


def test_an_unhandled_error_gives_a_plain_500_over_raw_wsgi(failing_app, wsgi_environ, wsgi_call):
    """The traceback goes to the server's error stream, not to the client."""
    environ = wsgi_environ("GET", "/fail")
    status, _, body = wsgi_call(failing_app, environ)
    assert status == 500
    assert_no_leak(body)
    assert "Traceback" in environ["wsgi.errors"].getvalue()


def test_a_failing_500_handler_still_gives_a_plain_500(failing_app, wsgi_environ, wsgi_call):
    """A 500 handler that itself fails: the application still answers a
    bare 500 itself (no exception escapes to the server), and neither
    exception's text is in it."""

    @failing_app.errorhandler(500)
    def broken_handler(error):
        raise RuntimeError(f"handler failed too: {SECRET}")

    status, _, body = wsgi_call(failing_app, wsgi_environ("GET", "/fail"))
    assert status == 500
    assert_no_leak(body)
    assert b"handler failed too" not in body


def test_a_500_handler_returning_nothing_still_gives_a_plain_500(
    failing_app, wsgi_environ, wsgi_call
):
    @failing_app.errorhandler(500)
    def forgetful_handler(error):
        pass

    status, _, body = wsgi_call(failing_app, wsgi_environ("GET", "/fail"))
    assert status == 500
    assert_no_leak(body)


def test_an_error_in_an_after_request_function_gives_a_plain_500(failing_app):
    @failing_app.route("/ok")
    def ok():
        return "fine"

    @failing_app.after_request
    def broken(response):
        raise KeyError(SECRET)

    response = failing_app.test_client().get("/ok")
    assert response.status_code == 500
    assert_no_leak(response.data)


def test_errors_in_debug_mode_propagate_to_the_debugger(failing_app):
    """The counterpart: with debug on, the exception reaches the caller
    (Werkzeug's debugger), which is why it must be asked for."""
    failing_app.debug = True
    with pytest.raises(ValueError):
        failing_app.test_client().get("/fail")
