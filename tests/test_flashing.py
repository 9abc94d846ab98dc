"""Message flashing: messages are kept in the session until read, and
read only once."""
import pytest

import flask


@pytest.fixture
def app(app):
    app.secret_key = "a test secret, long enough"

    @app.route("/flash/<message>")
    def add(message):
        flask.flash(message)
        return "flashed"

    @app.route("/show")
    def show():
        return "|".join(flask.get_flashed_messages())

    @app.route("/nothing")
    def nothing():
        return "nothing"

    return app


def test_flashed_message_is_shown_on_the_next_request(client):
    client.get("/flash/hello")
    assert client.get("/show").data == b"hello"


def test_flashed_messages_are_shown_only_once(client):
    client.get("/flash/hello")
    client.get("/show")
    assert client.get("/show").data == b""


def test_messages_keep_their_order(client):
    client.get("/flash/one")
    client.get("/flash/two")
    assert client.get("/show").data == b"one|two"


def test_messages_stay_until_they_are_read(client):
    client.get("/flash/kept")
    client.get("/nothing")
    client.get("/nothing")
    assert client.get("/show").data == b"kept"


def test_repeated_calls_in_one_request_return_the_same_list(app, client):
    @app.route("/twice")
    def twice():
        first = flask.get_flashed_messages()
        second = flask.get_flashed_messages()
        return f"{first} {second} {first is second}"

    client.get("/flash/hi")
    assert client.get("/twice").data == b"['hi'] ['hi'] True"


def test_no_messages_gives_an_empty_list(app):
    with app.test_request_context():
        assert flask.get_flashed_messages() == []


def test_flash_and_read_in_the_same_request(app):
    with app.test_request_context():
        flask.flash("now")
        assert flask.get_flashed_messages() == ["now"]


def test_reading_messages_removes_them_from_the_session(app, client):
    @app.route("/keys")
    def keys():
        return ",".join(sorted(flask.session))

    client.get("/flash/x")
    assert client.get("/keys").data == b"_flashes"
    client.get("/show")
    assert client.get("/keys").data == b""


def test_get_flashed_messages_outside_a_request_raises():
    with pytest.raises(RuntimeError, match="request context"):
        flask.get_flashed_messages()


def test_get_flashed_messages_in_a_template(app, client):
    @app.route("/page")
    def page():
        return flask.render_template_string(
            "{% for m in get_flashed_messages() %}<li>{{ m }}</li>{% endfor %}"
        )

    client.get("/flash/<b>")
    assert client.get("/page").data == b"<li>&lt;b&gt;</li>"
