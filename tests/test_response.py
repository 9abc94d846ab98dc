"""Turning view return values into responses (make_response), and the
response class."""
import io

import pytest
from werkzeug.exceptions import NotFound
from werkzeug.utils import redirect as werkzeug_redirect

import flask


def test_response_default_mimetype_is_html():
    response = flask.Response("x")
    assert response.mimetype == "text/html"


def test_response_object_is_returned_unchanged(app):
    response = flask.Response("body", status=201)
    with app.test_request_context():
        assert app.make_response(response) is response


def test_str_becomes_utf8_html(app, client):
    @app.route("/")
    def index():
        return "Grüße"

    response = client.get("/")
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.data == "Grüße".encode("utf-8")


def test_bytes_become_the_body(app, client):
    @app.route("/")
    def index():
        return b"\x00\x01raw"

    response = client.get("/")
    assert response.status_code == 200
    assert response.data == b"\x00\x01raw"


def test_tuple_body_and_status(app, client):
    @app.route("/")
    def index():
        return "created", 201

    response = client.get("/")
    assert response.status_code == 201
    assert response.data == b"created"


def test_tuple_body_status_and_headers(app, client):
    @app.route("/")
    def index():
        return "teapot", 418, {"X-Kind": "tea"}

    response = client.get("/")
    assert response.status_code == 418
    assert response.headers["X-Kind"] == "tea"
    assert response.data == b"teapot"


def test_wsgi_callable_is_called_and_buffered(app, client):
    def wsgi_app(environ, start_response):
        start_response("202 Accepted", [("Content-Type", "text/plain")])
        return [b"from ", environ["PATH_INFO"].encode()]

    @app.route("/wsgi")
    def index():
        return wsgi_app

    response = client.get("/wsgi")
    assert response.status_code == 202
    assert response.mimetype == "text/plain"
    assert response.data == b"from /wsgi"


def test_wsgi_callable_becomes_the_response_class(app):
    def wsgi_app(environ, start_response):
        start_response("200 OK", [])
        return [b"x"]

    with app.test_request_context():
        assert isinstance(app.make_response(wsgi_app), flask.Response)


def test_http_exception_becomes_its_error_page(app, client):
    @app.route("/")
    def index():
        return NotFound()

    response = client.get("/")
    assert response.status_code == 404
    assert b"Not Found" in response.data


def test_werkzeug_redirect_is_a_response(app, client):
    @app.route("/")
    def index():
        return werkzeug_redirect("/elsewhere", 301)

    response = client.get("/")
    assert response.status_code == 301
    assert response.headers["Location"] == "/elsewhere"


@pytest.mark.parametrize("value", [None, 42, ["a", "list"], {"a": "dict"}])
def test_other_return_types_are_a_type_error_naming_the_view(app, client, value):
    app.debug = True

    @app.route("/")
    def my_broken_view():
        return value

    with pytest.raises(TypeError, match="my_broken_view"):
        client.get("/")


def test_bad_return_type_is_a_plain_500_in_production(app, client):
    @app.route("/")
    def my_broken_view():
        return None

    response = client.get("/", errors_stream=io.StringIO())
    assert response.status_code == 500
    assert b"Traceback" not in response.data
    assert b"my_broken_view" not in response.data


def test_response_class_subclass_is_used(app, client):
    class MyResponse(flask.Response):
        default_mimetype = "text/plain"

    app.response_class = MyResponse

    @app.route("/")
    def index():
        return "plain"

    response = client.get("/")
    assert response.mimetype == "text/plain"
    with app.test_request_context():
        assert type(app.make_response("x")) is MyResponse
