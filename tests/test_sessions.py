"""Sessions: a JSON, signed, HttpOnly cookie that is only sent when the
session changed."""
import base64
import datetime
import json

import pytest

import flask


@pytest.fixture
def app(app):
    app.secret_key = "a test secret"

    @app.route("/set/<key>/<value>")
    def set_value(key, value):
        flask.session[key] = value
        return "set"

    @app.route("/get/<key>")
    def get_value(key):
        return flask.session.get(key, "<missing>")

    @app.route("/state")
    def state():
        return f"new={flask.session.new} modified={flask.session.modified}"

    return app


def session_cookie(client):
    cookie = client.get_cookie("session")
    return None if cookie is None else cookie.value


def test_session_value_survives_to_the_next_request(client):
    client.get("/set/user/ada")
    assert client.get("/get/user").data == b"ada"


def test_session_cookie_payload_is_readable_json(client):
    client.get("/set/user/ada")
    payload = session_cookie(client).split(".")[0]
    padded = payload + "=" * (-len(payload) % 4)
    assert json.loads(base64.urlsafe_b64decode(padded)) == {"user": "ada"}


def test_session_cookie_edited_by_the_client_is_rejected(client):
    """The payload is readable, not writable: the same signature over an
    edited payload gives an empty session."""
    client.get("/set/user/ada")
    payload, rest = session_cookie(client).split(".", 1)
    padded = payload + "=" * (-len(payload) % 4)
    assert json.loads(base64.urlsafe_b64decode(padded)) == {"user": "ada"}
    edited = base64.urlsafe_b64encode(b'{"user":"root"}').rstrip(b"=").decode()
    client.set_cookie("session", f"{edited}.{rest}")
    assert client.get("/get/user").data == b"<missing>"


def test_session_cookie_signed_with_another_key_is_rejected(app, client):
    client.get("/set/user/ada")
    other = flask.Flask(__name__)
    other.secret_key = "another secret"
    other.route("/get/<key>")(app.view_functions["get_value"])
    other_client = other.test_client()
    other_client.set_cookie("session", session_cookie(client))
    assert other_client.get("/get/user").data == b"<missing>"
    # The same cookie is good for the key that signed it.
    assert client.get("/get/user").data == b"ada"


def test_session_without_cookie_is_new_and_unmodified(client):
    assert client.get("/state").data == b"new=True modified=False"


def test_session_from_cookie_is_not_new(client):
    client.get("/set/user/ada")
    assert client.get("/state").data == b"new=False modified=False"


def test_session_is_modified_after_a_change(app):
    with app.test_request_context():
        flask.session["x"] = 1
        assert flask.session.modified is True


def test_no_set_cookie_when_session_untouched(client):
    client.get("/set/user/ada")
    response = client.get("/get/user")
    assert "Set-Cookie" not in response.headers


def test_no_set_cookie_for_a_new_session_only_read(client):
    response = client.get("/get/user")
    assert "Set-Cookie" not in response.headers


def test_set_cookie_sent_when_modified(client):
    response = client.get("/set/user/ada")
    assert response.headers["Set-Cookie"].startswith("session=")


def test_session_cookie_is_httponly(client):
    response = client.get("/set/user/ada")
    assert "HttpOnly" in response.headers["Set-Cookie"]


def test_emptied_session_deletes_the_cookie(app, client):
    @app.route("/logout")
    def logout():
        flask.session.pop("user", None)
        return "bye"

    client.get("/set/user/ada")
    response = client.get("/logout")
    set_cookie = response.headers["Set-Cookie"]
    assert set_cookie.startswith("session=;")
    assert "Expires=Thu, 01 Jan 1970" in set_cookie
    assert session_cookie(client) is None


def test_emptied_new_session_sends_no_cookie(app, client):
    @app.route("/clear")
    def clear():
        flask.session["x"] = 1
        flask.session.clear()
        return "cleared"

    response = client.get("/clear")
    assert "Set-Cookie" not in response.headers


def test_session_cookie_name_is_used(app, client):
    app.session_cookie_name = "my_session"
    response = client.get("/set/user/ada")
    assert response.headers["Set-Cookie"].startswith("my_session=")
    assert client.get("/get/user").data == b"ada"


def test_tampered_cookie_gives_a_new_empty_session(client):
    client.get("/set/user/ada")
    payload = base64.urlsafe_b64encode(b'{"user":"admin"}').rstrip(b"=").decode()
    signature = session_cookie(client).rsplit(".", 1)[1]
    client.set_cookie("session", f"{payload}.{signature}")
    assert client.get("/get/user").data == b"<missing>"
    assert client.get("/state").data == b"new=True modified=False"


def test_garbage_cookie_gives_a_new_empty_session(client):
    client.set_cookie("session", "%%%not-a-session!!!")
    response = client.get("/state")
    assert response.status_code == 200
    assert response.data == b"new=True modified=False"


def test_cookie_signed_with_another_key_gives_a_new_empty_session(app, client):
    client.get("/set/user/ada")
    app.secret_key = "another key"
    assert client.get("/get/user").data == b"<missing>"


def test_signed_cookie_that_is_not_a_dict_gives_a_new_empty_session(app, client):
    client.get("/set/user/ada")
    # Correctly signed by the same serializer, but holding a list.
    serializer, _ = app._session_signing()
    forged = serializer.dumps(["not", "a", "dict"])
    client.set_cookie("session", forged)
    assert client.get("/state").data == b"new=True modified=False"


def test_changing_the_secret_key_rebuilds_the_signer(app):
    first = app._session_signing()
    again = app._session_signing()
    assert again[0] is first[0] and again[1] is first[1]
    app.secret_key = "rotated"
    assert app._session_signing()[1] is not first[1]
    assert app._session_signing()[0] is not first[0]


def test_without_secret_key_reading_the_session_works(app, client):
    app.secret_key = None
    response = client.get("/get/user")
    assert response.status_code == 200
    assert response.data == b"<missing>"


def test_without_secret_key_writing_raises_naming_secret_key(app):
    app.secret_key = None
    with app.test_request_context():
        with pytest.raises(RuntimeError, match="secret_key"):
            flask.session["user"] = "ada"


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s.__delitem__("x"),
        lambda s: s.clear(),
        lambda s: s.pop("x", None),
        lambda s: s.popitem(),
        lambda s: s.setdefault("x", 1),
        lambda s: s.update(x=1),
    ],
    ids=["del", "clear", "pop", "popitem", "setdefault", "update"],
)
def test_without_secret_key_every_change_raises(app, change):
    app.secret_key = None
    with app.test_request_context():
        with pytest.raises(RuntimeError, match="secret_key"):
            change(flask.session)


def test_without_secret_key_writing_in_a_view_is_500_in_production(app, client):
    import io

    app.secret_key = None
    response = client.get("/set/user/ada", errors_stream=io.StringIO())
    assert response.status_code == 500


def round_trip(app, value):
    """Store value in the session in one request and read it back in the
    next one, through the real cookie."""
    seen = []

    @app.route("/store")
    def store():
        flask.session["value"] = value
        return "stored"

    @app.route("/load")
    def load():
        seen.append(flask.session["value"])
        return "loaded"

    client = app.test_client()
    client.get("/store")
    client.get("/load")
    return seen[0]


@pytest.mark.parametrize(
    "value",
    [
        ("a", 1, ("nested", True)),
        b"\x00\xffbytes",
        flask.Markup("<b>safe</b>"),
        datetime.datetime(2010, 4, 1, 12, 30, 45, 123456),
        {"plain": [1, 2.5, None, "x"]},
    ],
    ids=["tuple", "bytes", "markup", "datetime", "plain"],
)
def test_value_round_trips_through_the_cookie(app, value):
    result = round_trip(app, value)
    assert result == value
    assert type(result) is type(value)


def test_tuple_inside_a_list_round_trips(app):
    assert round_trip(app, [("a", 1), ("b", 2)]) == [("a", 1), ("b", 2)]


@pytest.mark.parametrize("key", [" t", " b", " m", " d", " di"])
def test_dict_that_looks_like_a_tag_round_trips(app, key):
    value = {key: ["not", "a", "tagged", "value"]}
    result = round_trip(app, value)
    assert result == value
    assert type(result) is dict


def test_unsupported_value_type_is_a_clear_type_error(app):
    with app.test_request_context():
        flask.session["value"] = object()
        response = flask.Response("x")
        with pytest.raises(TypeError, match="session cannot store object"):
            app.save_session(flask.session._get_current_object(), response)


def test_changed_mutable_value_needs_modified_set(app, client):
    @app.route("/start")
    def start():
        flask.session["objects"] = []
        return "x"

    @app.route("/append-quietly")
    def append_quietly():
        flask.session["objects"].append(1)
        return "x"

    @app.route("/append-and-mark")
    def append_and_mark():
        flask.session["objects"].append(2)
        flask.session.modified = True
        return "x"

    @app.route("/show")
    def show():
        return json.dumps(flask.session["objects"])

    client.get("/start")
    client.get("/append-quietly")
    assert client.get("/show").data == b"[]"
    client.get("/append-and-mark")
    assert client.get("/show").data == b"[2]"


def test_open_and_save_session_can_be_called_directly(app):
    with app.test_request_context():
        session = app.open_session(flask.request)
        session["k"] = "v"
        response = flask.Response()
        app.save_session(session, response)
    cookie_value = response.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    with app.test_request_context(headers={"Cookie": f"session={cookie_value}"}):
        assert app.open_session(flask.request)["k"] == "v"


def test_session_with_several_keys_round_trips(client):
    client.get("/set/user/ada")
    client.get("/set/theme/dark")
    assert client.get("/get/user").data == b"ada"
    assert client.get("/get/theme").data == b"dark"
