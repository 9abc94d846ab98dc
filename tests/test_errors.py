"""Error handling and the request hooks: abort, error handlers,
unhandled exceptions, before_request and after_request."""
import io
import re
import traceback

import pytest
from werkzeug.test import create_environ

import flask


def test_abort_gives_the_status(app, client):
    @app.route("/")
    def index():
        flask.abort(401)

    assert client.get("/").status_code == 401


def test_errorhandler_replaces_the_error_page(app, client):
    @app.errorhandler(404)
    def page_not_found(error):
        return "This page does not exist", 404

    response = client.get("/missing")
    assert response.status_code == 404
    assert response.data == b"This page does not exist"


def test_errorhandler_receives_the_exception(app, client):
    @app.errorhandler(403)
    def forbidden(error):
        return f"{type(error).__name__} {error.code}", 403

    @app.route("/")
    def index():
        flask.abort(403)

    assert client.get("/").data == b"Forbidden 403"


def test_errorhandler_is_stored_in_error_handlers(app):
    def handler(error):
        return "x"

    assert app.errorhandler(404)(handler) is handler
    assert app.error_handlers == {404: handler}


def test_error_handlers_dict_can_be_filled_directly(app, client):
    def page_not_found(error):
        return "by hand", 404

    app.error_handlers[404] = page_not_found
    assert client.get("/missing").data == b"by hand"


def test_error_without_handler_gives_the_default_page(app, client):
    @app.errorhandler(404)
    def page_not_found(error):
        return "custom", 404

    @app.route("/")
    def index():
        flask.abort(410)

    response = client.get("/")
    assert response.status_code == 410
    assert b"Gone" in response.data


def test_405_goes_through_its_handler(app, client):
    @app.route("/", methods=["POST"])
    def index():
        return "x"

    @app.errorhandler(405)
    def not_allowed(error):
        return "no such method here", 405

    assert client.get("/").data == b"no such method here"


def test_unhandled_exception_is_500_without_traceback(app, client):
    @app.route("/")
    def index():
        raise ValueError("internal detail")

    response = client.get("/", errors_stream=io.StringIO())
    assert response.status_code == 500
    assert b"Internal Server Error" in response.data
    assert b"Traceback" not in response.data
    assert b"internal detail" not in response.data


def test_unhandled_exception_traceback_goes_to_wsgi_errors(app, client):
    @app.route("/")
    def index():
        raise ValueError("internal detail")

    errors = io.StringIO()
    client.get("/", errors_stream=errors)
    assert "Traceback" in errors.getvalue()
    assert "ValueError: internal detail" in errors.getvalue()


def test_unhandled_exception_goes_to_the_500_handler(app, client):
    seen = []

    @app.errorhandler(500)
    def server_error(error):
        seen.append(error)
        return "sorry", 500

    @app.route("/")
    def index():
        raise ValueError("internal detail")

    response = client.get("/", errors_stream=io.StringIO())
    assert response.status_code == 500
    assert response.data == b"sorry"
    assert isinstance(seen[0], ValueError)


def test_unhandled_exception_propagates_in_debug_mode(app, client):
    app.debug = True

    @app.errorhandler(500)
    def server_error(error):
        return "not used in debug mode", 500

    @app.route("/")
    def index():
        raise ValueError("for the debugger")

    with pytest.raises(ValueError, match="for the debugger"):
        client.get("/")


def test_http_exception_still_handled_in_debug_mode(app, client):
    app.debug = True
    assert client.get("/missing").status_code == 404


def test_before_request_functions_run_in_order(app, client):
    calls = []
    app.before_request(lambda: calls.append("first"))
    app.before_request(lambda: calls.append("second"))

    @app.route("/")
    def index():
        calls.append("view")
        return "x"

    client.get("/")
    assert calls == ["first", "second", "view"]


def test_before_request_is_stored_in_before_request_funcs(app):
    def hook():
        pass

    assert app.before_request(hook) is hook
    assert app.before_request_funcs == [hook]


def test_before_request_returning_a_value_ends_the_request(app, client):
    calls = []

    @app.before_request
    def stop():
        return "stopped early", 403

    @app.before_request
    def never():
        calls.append("second hook")

    @app.route("/")
    def index():
        calls.append("view")
        return "x"

    response = client.get("/")
    assert response.status_code == 403
    assert response.data == b"stopped early"
    assert calls == []


def test_abort_in_before_request_gives_that_status(app, client):
    @app.before_request
    def check():
        flask.abort(401)

    @app.route("/")
    def index():
        return "x"

    assert client.get("/").status_code == 401


def test_abort_in_before_request_goes_through_its_handler(app, client):
    @app.before_request
    def check():
        flask.abort(401)

    @app.errorhandler(401)
    def unauthorized(error):
        return "please log in", 401

    assert client.get("/").data == b"please log in"


def test_exception_in_before_request_is_500_in_production(app, client):
    @app.before_request
    def broken():
        raise ValueError("hook failed")

    assert client.get("/", errors_stream=io.StringIO()).status_code == 500


def test_after_request_functions_run_in_order(app, client):
    @app.after_request
    def first(response):
        response.headers["X-Order"] = "first"
        return response

    @app.after_request
    def second(response):
        response.headers["X-Order"] += ",second"
        return response

    @app.route("/")
    def index():
        return "x"

    assert client.get("/").headers["X-Order"] == "first,second"


def test_after_request_is_stored_in_after_request_funcs(app):
    def hook(response):
        return response

    assert app.after_request(hook) is hook
    assert app.after_request_funcs == [hook]


def test_after_request_may_replace_the_response(app, client):
    @app.after_request
    def replace(response):
        return flask.Response("replaced", status=202)

    @app.route("/")
    def index():
        return "original"

    response = client.get("/")
    assert response.status_code == 202
    assert response.data == b"replaced"


def test_after_request_runs_for_error_pages(app, client):
    @app.after_request
    def mark(response):
        response.headers["X-Seen"] = "yes"
        return response

    assert client.get("/missing").headers["X-Seen"] == "yes"


def test_after_request_runs_after_before_request_ends_the_request(app, client):
    app.before_request(lambda: "early")

    @app.after_request
    def mark(response):
        response.headers["X-Seen"] = "yes"
        return response

    assert client.get("/").headers["X-Seen"] == "yes"


def test_exception_in_after_request_is_500_in_production(app, client):
    @app.after_request
    def broken(response):
        raise ValueError("hook failed")

    @app.route("/")
    def index():
        return "x"

    assert client.get("/", errors_stream=io.StringIO()).status_code == 500


def test_process_response_returns_the_processed_response(app):
    app.after_request(lambda r: flask.Response("new"))
    with app.test_request_context():
        assert app.process_response(flask.Response("old")).data == b"new"


def test_preprocess_request_returns_the_first_value(app):
    app.before_request(lambda: None)
    app.before_request(lambda: "value")
    with app.test_request_context():
        assert app.preprocess_request() == "value"


def _guarded_app(app, handler_result):
    """A guard that refuses every request with 401 before it reaches a view;
    the 401 handler returns ``handler_result``."""
    views_called = []

    @app.before_request
    def guard():
        flask.abort(401)

    @app.errorhandler(401)
    def unauthorized(error):
        return handler_result

    @app.route("/")
    def secret():
        views_called.append("secret")
        return "SECRET DATA"

    return views_called


def test_a_refused_request_never_reaches_its_view_when_the_handler_returns_none(app, client):
    views_called = _guarded_app(app, None)
    response = client.get("/", errors_stream=io.StringIO())
    assert response.status_code == 500
    assert b"SECRET DATA" not in response.data
    assert views_called == []


def test_a_handler_returning_none_is_named_in_the_error_log(app, client):
    _guarded_app(app, None)
    errors = io.StringIO()
    client.get("/", errors_stream=errors)
    assert "TypeError" in errors.getvalue()
    assert "'_guarded_app.<locals>.unauthorized' for status 401 returned None" in errors.getvalue()
    assert "secret" not in errors.getvalue()


def test_a_handler_returning_none_goes_through_the_500_handler(app, client):
    views_called = _guarded_app(app, None)
    seen = []

    @app.errorhandler(500)
    def server_error(error):
        seen.append(error)
        return "sorry", 500

    response = client.get("/", errors_stream=io.StringIO())
    assert (response.status_code, response.data) == (500, b"sorry")
    assert isinstance(seen[0], TypeError)
    assert views_called == []


def test_a_handler_returning_none_propagates_in_debug_mode(app, client):
    app.debug = True
    views_called = _guarded_app(app, None)
    with pytest.raises(TypeError, match="unauthorized' for status 401 returned None"):
        client.get("/")
    assert views_called == []


def test_a_refused_request_never_reaches_its_view_whatever_the_handler_returns(app, client):
    views_called = _guarded_app(app, ("go away", 403))
    response = client.get("/")
    assert (response.status_code, response.data) == (403, b"go away")
    assert views_called == []


def test_a_500_handler_returning_none_still_gives_a_plain_500(app, client):
    _guarded_app(app, None)
    app.errorhandler(500)(lambda error: None)
    errors = io.StringIO()
    response = client.get("/", errors_stream=errors)
    assert response.status_code == 500
    assert b"Internal Server Error" in response.data
    assert "for status 500 returned None" in errors.getvalue()


def test_a_500_handler_that_raises_still_gives_a_plain_500(app, client):
    @app.errorhandler(500)
    def server_error(error):
        raise RuntimeError("the handler broke too")

    @app.route("/")
    def index():
        raise ValueError("the view broke")

    errors = io.StringIO()
    response = client.get("/", errors_stream=errors)
    assert response.status_code == 500
    assert b"Internal Server Error" in response.data
    assert "ValueError: the view broke" in errors.getvalue()
    assert "RuntimeError: the handler broke too" in errors.getvalue()


def test_a_view_handler_returning_none_gives_a_500(app, client):
    app.errorhandler(404)(lambda error: None)
    errors = io.StringIO()
    response = client.get("/missing", errors_stream=errors)
    assert response.status_code == 500
    assert "for status 404 returned None" in errors.getvalue()


def test_a_handler_returning_no_response_after_a_failed_hook_gives_a_plain_500(app, client):
    @app.after_request
    def broken(response):
        raise ValueError("hook failed")

    @app.errorhandler(500)
    def server_error(error):
        return {"not": "a response"}

    @app.route("/")
    def index():
        return "x"

    errors = io.StringIO()
    response = client.get("/", errors_stream=errors)
    assert response.status_code == 500
    assert b"Internal Server Error" in response.data
    assert "ValueError: hook failed" in errors.getvalue()
    assert "TypeError" in errors.getvalue()


def test_a_handler_returning_no_response_propagates_in_debug_mode(app, client):
    app.debug = True
    app.errorhandler(404)(lambda error: {"not": "a response"})
    with pytest.raises(TypeError, match="returned dict"):
        client.get("/missing")


def test_a_bad_handler_result_after_a_hook_aborts_propagates_in_debug_mode(app, client):
    app.debug = True

    @app.after_request
    def refuse(response):
        flask.abort(403)

    app.errorhandler(403)(lambda error: {"not": "a response"})
    with pytest.raises(TypeError, match="returned dict"):
        client.get("/missing")


def frames_before_the_view(tb, view_name):
    """The flask.py frames of a traceback before the view's own frame."""
    frames = traceback.extract_tb(tb)
    names = [frame.name for frame in frames]
    assert view_name in names, names
    before = frames[:names.index(view_name)]
    return [frame for frame in before if frame.filename == flask.__file__]


def test_an_exception_in_a_view_shows_few_framework_frames_before_the_view(app):
    app.debug = True

    @app.route("/")
    def failing_view():
        raise ValueError("boom")

    with pytest.raises(ValueError) as raised:
        app(create_environ("/"), lambda *args: None)
    assert len(frames_before_the_view(raised.value.__traceback__, "failing_view")) <= 3


def test_the_debugger_shows_few_framework_frames_before_the_view(app):
    from werkzeug.debug import DebuggedApplication

    app.debug = True

    @app.route("/")
    def failing_view():
        raise ValueError("boom")

    page = b"".join(DebuggedApplication(app, evalex=False)(
        create_environ("/"), lambda *args: None)).decode()
    frames = re.findall(r'<h4>File <cite class="filename">"([^"]+)"</cite>,\s*line <em class="line">\d+</em>,\s*in <code class="function">([^<]+)</code>', page)
    names = [name for _, name in frames]
    assert "failing_view" in names, frames
    before = frames[:names.index("failing_view")]
    assert len([f for f, _ in before if f == flask.__file__]) <= 3


def test_an_error_raised_in_the_framework_keeps_its_own_frame(app):
    app.debug = True
    app.route("/")(lambda: None)
    with pytest.raises(TypeError) as raised:
        app(create_environ("/"), lambda *args: None)
    assert traceback.extract_tb(raised.value.__traceback__)[-1].filename == flask.__file__
