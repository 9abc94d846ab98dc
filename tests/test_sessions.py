"""Sessions: a JSON, signed, HttpOnly cookie that is only sent when the
session changed."""
import base64
import datetime
import decimal
import hashlib
import json
import secrets
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer
from werkzeug.test import create_environ

import flask


@pytest.fixture
def app(app):
    app.secret_key = "a test secret, long enough"

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


class CompactJSON:
    """JSON without spaces (non-ASCII text as \\u escapes)."""

    @staticmethod
    def dumps(data):
        return json.dumps(data, separators=(",", ":"))

    loads = staticmethod(json.loads)


def serializer(key, now=None):
    """A serializer of session cookies as the documentation describes
    them: itsdangerous's URLSafeTimedSerializer, compact JSON with a
    timestamp and an HMAC-SHA256 signature, salted ``flask.session``.
    ``now`` signs as if at that Unix time."""

    class Signer(TimestampSigner):
        def get_timestamp(self):
            return int(now if now is not None else time.time())

    return URLSafeTimedSerializer(
        key, salt="flask.session", serializer=CompactJSON,
        signer=Signer, signer_kwargs={"digest_method": hashlib.sha256},
    )


def sign(data, key, now=None):
    return serializer(key, now).dumps(data)


def unsign(cookie, key, max_age=None):
    return serializer(key).loads(cookie, max_age=max_age)


def session_cookie(client):
    cookie = client.get_cookie("session")
    return None if cookie is None else cookie.value


def test_session_value_survives_to_the_next_request(client):
    client.get("/set/user/ada")
    assert client.get("/get/user").data == b"ada"


def decode_payload(cookie):
    """The JSON text of a session cookie, as anyone holding it can read
    it (an uncompressed one: payload, timestamp and signature)."""
    payload = cookie.split(".")[0]
    return base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))


def test_session_cookie_payload_is_readable_json(client):
    client.get("/set/user/ada")
    assert json.loads(decode_payload(session_cookie(client))) == {"user": "ada"}


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
    app.secret_key = "another key, long enough"
    assert client.get("/get/user").data == b"<missing>"


def test_signed_cookie_that_is_not_a_dict_gives_a_new_empty_session(app, client):
    client.get("/set/user/ada")
    # Correctly signed with the application's key, but holding a list.
    client.set_cookie("session", sign(["not", "a", "dict"], app.secret_key))
    assert client.get("/state").data == b"new=True modified=False"


def test_changing_the_secret_key_signs_new_cookies_with_the_new_key(app, client):
    client.get("/set/user/ada")
    app.secret_key = "a rotated key, long enough"
    client.get("/set/user/grace")
    assert unsign(session_cookie(client), "a rotated key, long enough") == {"user": "grace"}
    with pytest.raises(BadSignature):
        unsign(session_cookie(client), "a test secret, long enough")


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


# -- lifetime, Secure, key rotation and weak keys ----------------------------

DAY = 24 * 60 * 60


def test_the_cookie_carries_a_signed_timestamp(client):
    before = int(time.time())
    client.get("/set/user/ada")
    cookie = session_cookie(client)
    signed_at = serializer("a test secret, long enough").loads(
        cookie, return_timestamp=True
    )[1].timestamp()
    assert before <= signed_at <= time.time() + 1


def test_a_cookie_older_than_the_session_lifetime_gives_an_empty_session(app, client):
    forty_days_ago = time.time() - 40 * DAY
    client.set_cookie("session", sign({"user": "ada"}, app.secret_key, now=forty_days_ago))
    assert client.get("/get/user").data == b"<missing>"
    assert client.get("/state").data == b"new=True modified=False"


def test_a_cookie_within_the_session_lifetime_is_accepted(app, client):
    thirty_days_ago = time.time() - 30 * DAY
    client.set_cookie("session", sign({"user": "ada"}, app.secret_key, now=thirty_days_ago))
    assert client.get("/get/user").data == b"ada"


def test_the_session_lifetime_defaults_to_31_days(app):
    assert flask.Flask.session_lifetime == datetime.timedelta(days=31)
    assert app.session_lifetime == datetime.timedelta(days=31)


def test_a_subclass_may_shorten_the_session_lifetime(tmp_path):
    class ShortLived(flask.Flask):
        secret_key = "a test secret, long enough"
        session_lifetime = datetime.timedelta(hours=1)

    app = ShortLived(__name__)
    app.route("/get")(lambda: flask.session.get("user", "<missing>"))
    client = app.test_client()
    client.set_cookie("session", sign({"user": "ada"}, app.secret_key, now=time.time() - 7200))
    assert client.get("/get").data == b"<missing>"
    client.set_cookie("session", sign({"user": "ada"}, app.secret_key, now=time.time() - 60))
    assert client.get("/get").data == b"ada"


def test_the_session_cookie_still_ends_with_the_browser_session(client):
    set_cookie = client.get("/set/user/ada").headers["Set-Cookie"]
    assert "Expires" not in set_cookie
    assert "Max-Age" not in set_cookie


def test_the_session_cookie_is_not_secure_by_default(client):
    assert "Secure" not in client.get("/set/user/ada").headers["Set-Cookie"]


def test_session_cookie_secure_adds_the_secure_flag(app, client):
    app.session_cookie_secure = True
    set_cookie = client.get("/set/user/ada").headers["Set-Cookie"]
    assert "; Secure" in set_cookie


def test_session_cookie_secure_also_marks_the_deleting_cookie(app):
    app.session_cookie_secure = True
    app.route("/clear")(lambda: flask.session.clear() or "cleared")
    client = app.test_client()
    client.get("/set/user/ada")
    set_cookie = client.get("/clear").headers["Set-Cookie"]
    assert "Expires=Thu, 01 Jan 1970" in set_cookie
    assert "; Secure" in set_cookie


def test_secret_key_fallbacks_accept_cookies_signed_with_an_old_key(app, client):
    client.get("/set/user/ada")
    app.secret_key, app.secret_key_fallbacks = "the new key, long enough", [app.secret_key]
    assert client.get("/get/user").data == b"ada"


def test_new_cookies_are_signed_with_the_secret_key_not_a_fallback(app, client):
    old_key = app.secret_key
    client.get("/set/user/ada")
    app.secret_key, app.secret_key_fallbacks = "the new key, long enough", [old_key]
    client.get("/set/user/grace")
    assert unsign(session_cookie(client), "the new key, long enough") == {"user": "grace"}
    with pytest.raises(BadSignature):
        unsign(session_cookie(client), old_key)


def test_a_key_dropped_from_the_fallbacks_is_no_longer_accepted(app, client):
    old_key = app.secret_key
    client.get("/set/user/ada")
    app.secret_key, app.secret_key_fallbacks = "the new key, long enough", [old_key]
    app.secret_key_fallbacks = []
    assert client.get("/get/user").data == b"<missing>"


def test_secret_key_fallbacks_default_to_none(app):
    assert list(flask.Flask.secret_key_fallbacks) == []


@pytest.mark.parametrize("key", ["short", b"0123456789abcde", "development key", "the secret key"])
def test_a_weak_secret_key_warns_when_a_session_is_signed(app, client, key):
    app.secret_key = key
    with pytest.warns(UserWarning, match="secret key that (is shorter than 16 bytes|is an example key)"):
        client.get("/set/user/ada")


def test_a_long_random_secret_key_does_not_warn(app, client, recwarn):
    app.secret_key = "a8f2c1e0b9d7465f8a3c2e1d0f9b8a7c"
    client.get("/set/user/ada")
    assert [w for w in recwarn if issubclass(w.category, UserWarning)] == []


def test_a_weak_secret_key_does_not_warn_in_debug_mode(app, client, recwarn):
    app.secret_key, app.debug = "short", True
    client.get("/set/user/ada")
    assert [w for w in recwarn if issubclass(w.category, UserWarning)] == []


def test_the_weak_key_warning_is_given_once_per_process(tmp_path):
    """Run in a fresh interpreter with Python's default warning filters:
    many signed sessions, one warning."""
    script = (
        "import flask\n"
        "app = flask.Flask('weak')\n"
        "app.secret_key = 'short'\n"
        "app.route('/')(lambda: flask.session.update(n=1) or 'ok')\n"
        "client = app.test_client()\n"
        "for _ in range(5):\n"
        "    client.get('/')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path,
        env={"PYTHONPATH": str(Path(flask.__file__).parent), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("UserWarning") == 1


def test_removing_the_secret_key_during_a_request_refuses_to_save(app):
    @app.route("/drop-key")
    def drop_key():
        flask.session["user"] = "ada"
        app.secret_key = None
        return "changed"

    with pytest.raises(RuntimeError, match="secret_key"):
        with app.test_request_context("/drop-key"):
            response = app.make_response(drop_key())
            app.process_response(response)


# -- what a session can store --------------------------------------------------

ROUND_TRIPS = {
    "int keys": {1: "one", 2: "two"},
    "float keys": {1.5: "x"},
    "bool keys": {True: "yes", False: "no"},
    "None key": {None: "nothing"},
    "tuple keys": {(1, "a"): "pair"},
    "mixed keys": {"a": 1, 2: "b"},
    "date": datetime.date(2010, 4, 16),
    "time": datetime.time(12, 30, 5, 7),
    "timedelta": datetime.timedelta(days=-2, seconds=5, microseconds=3),
    "set": {1, 2, 3},
    "frozenset": frozenset({"a", "b"}),
    "Decimal": decimal.Decimal("3.14"),
    "UUID": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "datetime": datetime.datetime(2010, 4, 16, 9, 30),
    "nested": [{1: {(2, 3): frozenset({datetime.date(2010, 1, 1)})}}],
    "a dict that looks like a tag": {" t": [1, 2]},
}


@pytest.mark.parametrize("value", ROUND_TRIPS.values(), ids=ROUND_TRIPS.keys())
def test_a_value_of_a_pickling_era_type_comes_back_unchanged(app, value):
    stored = round_trip(app, value)
    assert stored == value
    assert type(stored) is type(value)
    if isinstance(value, dict):
        assert [type(key) for key in stored] == [type(key) for key in value]


def test_the_cookie_stays_readable_json(client, app):
    @app.route("/dates")
    def dates():
        flask.session["when"] = datetime.date(2010, 4, 16)
        flask.session["ids"] = {1: "one"}
        return "ok"

    client.get("/dates")
    data = json.loads(decode_payload(session_cookie(client)))
    assert data == {"when": {" da": "2010-04-16"}, "ids": {" di": [[1, "one"]]}}


class Widget:
    pass


def test_an_unsupported_value_is_a_type_error_naming_the_type_and_key(app):
    @app.route("/store")
    def store():
        flask.session["cart"] = [Widget()]
        return "stored"

    with pytest.raises(TypeError, match=r"session\['cart'\]: a session cannot store Widget values"):
        with app.test_request_context("/store"):
            app.process_response(app.make_response(store()))


def test_an_unsupported_dict_key_is_a_type_error_naming_the_type(app):
    @app.route("/store")
    def store():
        flask.session["by_widget"] = {Widget(): 1}
        return "stored"

    with pytest.raises(TypeError, match="session\\['by_widget'\\]: a session cannot store dict keys of type Widget"):
        with app.test_request_context("/store"):
            app.process_response(app.make_response(store()))


def test_an_unsupported_top_level_key_is_a_type_error(app):
    @app.route("/store")
    def store():
        flask.session[Widget()] = 1
        return "stored"

    with pytest.raises(TypeError, match="dict keys of type Widget"):
        with app.test_request_context("/store"):
            app.process_response(app.make_response(store()))


# -- the cookie format, against itsdangerous's own serializer ---------------

FORMAT_KEY = "a test secret, long enough"
FORMAT_SESSIONS = [
    {"counter": 2},
    {"user": "ada", "admin": False, "ids": [1, 2, 3]},
    {"text": "Jürgen ❤ ☃", "none": None, "float": 1.5},
    {"long": "abc" * 400},  # compressible: the payload is zlib-compressed
    {"token": "Zx-_09aB" * 8 + "q7Lm2Kp9Rt4Wv6Ys1Ud3Fh5Jk8Nb0Xc" * 60},  # compressed too
    {"nested": {"a": {"b": [{"c": "<b>x</b>"}]}}},
]


class AnySizeResponse(flask.Response):
    max_cookie_size = 0  # cookies of any size, without Werkzeug's warning over 4 KB


def format_app(key=FORMAT_KEY, fallbacks=(), lifetime=datetime.timedelta(days=1)):
    app = flask.Flask("cookie_format")
    app.response_class = AnySizeResponse
    app.secret_key = key
    app.secret_key_fallbacks = list(fallbacks)
    app.session_lifetime = lifetime
    return app


def cookie_written(app, data):
    """The value of the session cookie ``app`` sends for a session that
    was given ``data``."""
    with app.test_request_context():
        session = app.open_session(flask.request)
        session.update(data)
        response = app.response_class()
        app.save_session(session, response)
    return response.headers["Set-Cookie"].split(";")[0].partition("=")[2]


def session_read(app, cookie):
    """What ``app`` reads from a request carrying the session cookie
    ``cookie`` (sent as a client sends it, UTF-8): the cookie value the
    request has, and the session's data, or None for a refused cookie (a
    new session)."""
    environ = create_environ()
    environ["HTTP_COOKIE"] = "session=" + cookie.encode().decode("latin-1")
    with app.request_context(environ):
        session = app.open_session(flask.request)
        received = flask.request.cookies.get("session")
    return received, None if session.new else dict(session)


@pytest.mark.parametrize("data", FORMAT_SESSIONS, ids=range(len(FORMAT_SESSIONS)))
def test_the_cookie_is_what_itsdangerous_makes_and_reads(data, monkeypatch):
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now)
    cookie = cookie_written(format_app(), data)
    theirs = sign(data, FORMAT_KEY, now)
    assert unsign(cookie, FORMAT_KEY) == data
    if cookie.startswith("."):
        # Compressed with a smaller zlib window: other bytes, about as many.
        assert theirs.startswith(".") and len(cookie) <= len(theirs) * 1.02
    else:
        assert cookie == theirs


def test_itsdangerous_reads_a_cookie_of_tagged_values():
    # Values JSON lacks are tagged in the JSON: itsdangerous checks the
    # signature and reads the JSON, and flask.py reads the values back.
    data = {"when": datetime.datetime(2020, 1, 2, 3, 4, 5), "raw": b"\x00\xff", "t": (1, "a"),
            "markup": flask.Markup("<b>x</b>")}
    app = format_app()
    cookie = cookie_written(app, data)
    assert sorted(unsign(cookie, FORMAT_KEY)) == sorted(data)
    assert session_read(app, cookie)[1] == data


def test_a_session_of_random_text_shrinks_as_much_as_with_itsdangerous():
    # Browsers drop cookies over about 4 KB: compression must not be worse.
    data = {"blob": secrets.token_urlsafe(3000)}
    cookie = cookie_written(format_app(), data)
    theirs = sign(data, FORMAT_KEY)
    assert cookie.startswith(".") and len(cookie) <= len(theirs) * 1.02
    assert len(cookie) < 0.8 * len(base64.urlsafe_b64encode(json.dumps(data).encode()))


def test_a_large_session_is_compressed_and_a_small_one_is_not():
    app = format_app()
    assert cookie_written(app, {"long": "abc" * 400}).startswith(".")
    assert not cookie_written(app, {"short": "aaaaaaaaaaaaaaaaaaaaaaaa"}).startswith(".")


@pytest.mark.parametrize("data", FORMAT_SESSIONS + [{}], ids=range(len(FORMAT_SESSIONS) + 1))
def test_a_cookie_made_by_itsdangerous_is_read_back(data):
    assert session_read(format_app(), sign(data, FORMAT_KEY))[1] == data


def _mutations(cookie):
    """Cookies that differ from ``cookie`` in one place: every character
    replaced, every prefix, and each part emptied, doubled or swapped."""
    alphabet = "A_-.=é\x00"
    for i in range(len(cookie)):
        for char in alphabet:
            if cookie[i] != char:
                yield cookie[:i] + char + cookie[i + 1:]
    for i in range(len(cookie)):
        yield cookie[:i]
    parts = cookie.split(".")
    for i in range(len(parts)):
        yield ".".join(parts[:i] + [""] + parts[i + 1:])
        yield ".".join(parts[:i] + [parts[i] * 2] + parts[i + 1:])
    yield ".".join(reversed(parts))
    yield cookie + "."
    yield "." + cookie


@pytest.mark.parametrize("data", [FORMAT_SESSIONS[0], FORMAT_SESSIONS[3]], ids=["plain", "compressed"])
def test_every_changed_cookie_is_refused_as_itsdangerous_refuses_it(data):
    app = format_app()
    cookie = sign(data, FORMAT_KEY)
    checked = 0
    for changed in _mutations(cookie):
        received, loaded = session_read(app, changed)
        try:
            expected = unsign(received, FORMAT_KEY, max_age=app.session_lifetime.total_seconds())
        except Exception:
            expected = None
        if not isinstance(expected, dict):
            expected = None  # a session is a dict: anything else gives a new one
        assert loaded == expected, changed
        checked += 1
    assert checked > 500


@pytest.mark.parametrize(("age", "accepted"), [
    (-60, False),  # from the future: itsdangerous refuses a negative age
    (0, True),
    (3599, True),
    (3601, False),
])
def test_the_cookie_age_is_checked_as_itsdangerous_checks_it(age, accepted):
    app = format_app(lifetime=datetime.timedelta(hours=1))
    cookie = sign({"a": 1}, FORMAT_KEY, now=time.time() - age)
    assert (session_read(app, cookie)[1] == {"a": 1}) is accepted
    try:
        unsign(cookie, FORMAT_KEY, max_age=3600)
        assert accepted
    except BadSignature:
        assert not accepted


def test_a_cookie_signed_with_a_fallback_key_is_read_and_a_new_one_uses_the_key():
    old, new = "the old secret key, long enough", "the new secret key, long enough"
    app = format_app(new, fallbacks=[old])
    assert session_read(app, sign({"a": 1}, old))[1] == {"a": 1}
    assert unsign(cookie_written(app, {"a": 1}), new) == {"a": 1}
    with pytest.raises(BadSignature):
        unsign(cookie_written(app, {"a": 1}), old)


def test_the_decimal_module_is_imported_only_to_read_a_decimal_back(tmp_path):
    # In a fresh interpreter: a session without a Decimal leaves the module
    # unimported; a cookie that holds one brings it in and reads it back.
    with_decimal = cookie_written(format_app(), {"price": decimal.Decimal("9.99")})
    script = (
        "import sys, flask\n"
        "app = flask.Flask('fresh')\n"
        f"app.secret_key = {FORMAT_KEY!r}\n"
        "app.route('/')(lambda: repr(flask.session.get('price')))\n"
        "client = app.test_client()\n"
        "assert client.get('/').data == b'None'\n"
        "assert 'decimal' not in sys.modules, 'imported with flask'\n"
        f"client.set_cookie('session', {with_decimal!r})\n"
        "assert client.get('/').data == b\"Decimal('9.99')\"\n"
        "assert 'decimal' in sys.modules\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path,
        env={"PYTHONPATH": str(Path(flask.__file__).parent), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr


def test_setdefault_on_an_existing_key_saves_what_was_changed_in_place(app):
    """0.1 saved the session after any setdefault, so that a list it
    returned could be appended to: nothing is lost on the third request."""

    @app.route("/add/<item>")
    def add(item):
        flask.session.setdefault("cart", []).append(item)
        return ",".join(flask.session["cart"])

    client = app.test_client()
    assert [client.get(f"/add/{item}").data for item in "abc"] == [b"a", b"a,b", b"a,b,c"]


@pytest.mark.parametrize("fallbacks", ["old-key, long enough", b"old-key, long enough"])
def test_a_single_key_as_the_fallbacks_is_a_type_error_naming_the_attribute(app, fallbacks):
    app.secret_key_fallbacks = fallbacks
    with app.test_request_context(headers={"Cookie": "session=x.y.z"}):
        with pytest.raises(TypeError, match="secret_key_fallbacks"):
            flask.session.get("user")


def test_a_cookie_signed_with_one_character_of_a_str_fallback_is_refused(app, client):
    """A str would have made each of its characters a valid key."""
    app.secret_key_fallbacks = "old-key"
    client.set_cookie("session", sign({"user": "admin"}, "-"), domain="localhost")
    assert client.get("/get/user").status_code == 500


def test_an_empty_fallback_key_is_refused(app):
    app.secret_key_fallbacks = [""]
    with app.test_request_context(headers={"Cookie": "session=x.y.z"}):
        with pytest.raises(ValueError, match="secret_key_fallbacks is empty"):
            flask.session.get("user")


def test_a_documented_key_among_the_fallbacks_warns(app, client):
    app.secret_key_fallbacks = ["development key"]
    client.set_cookie("session", sign({"user": "ada"}, "development key"), domain="localhost")
    with pytest.warns(UserWarning, match="secret_key_fallbacks that is an example key"):
        assert client.get("/get/user").data == b"ada"


@pytest.mark.parametrize("name", ["__Host-session", "__Secure-session"])
def test_a_prefixed_cookie_name_gets_the_secure_flag(app, client, name):
    app.session_cookie_name = name
    header = client.get("/set/user/ada").headers["Set-Cookie"]
    assert header.startswith(f"{name}=")
    assert "; Secure" in header and "; Path=/" in header and "Domain" not in header


def test_a_prefixed_cookie_is_deleted_with_the_secure_flag(app, client):
    app.session_cookie_name = "__Host-session"

    @app.route("/clear")
    def clear():
        flask.session.clear()
        return "cleared"

    client.set_cookie("__Host-session", sign({"user": "ada"}, app.secret_key), domain="localhost")
    header = client.get("/clear").headers["Set-Cookie"]
    assert header.startswith("__Host-session=;") and "; Secure" in header


def test_the_weak_key_warning_points_at_where_the_application_was_made(tmp_path):
    (tmp_path / "weakapp.py").write_text(
        "import flask\n"
        "\n"
        "app = flask.Flask(__name__)\n"
        "app.secret_key = 'short'\n"
        "app.route('/')(lambda: flask.session.update(n=1) or 'ok')\n"
        "for path in ('/', '/', '/missing'):\n"
        "    app.test_client().get(path)\n"
    )
    result = subprocess.run(
        [sys.executable, "weakapp.py"], capture_output=True, text=True, cwd=tmp_path,
        env={"PYTHONPATH": str(Path(flask.__file__).parent), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("UserWarning") == 1
    assert "weakapp.py:3: UserWarning" in result.stderr
