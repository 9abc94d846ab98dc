"""Forged and damaged session cookies give an empty session and run
nothing; the values an application stores come back unchanged; a session
too big for a browser is reported, never silently dropped."""
import base64
import hashlib
import pickle
import secrets
import string
import warnings
from datetime import datetime

import pytest
from itsdangerous import URLSafeTimedSerializer
from werkzeug.http import parse_cookie

import flask

SECRET = "the right key, long and random enough for a test"


@pytest.fixture
def session_app(app):
    """An application that stores the query's ``value`` in the session
    and shows what the session holds."""
    app.secret_key = SECRET

    @app.route("/set")
    def set_value():
        flask.session["user"] = flask.request.args.get("value", "alice")
        return "stored"

    @app.route("/show")
    def show():
        return repr(dict(flask.session)) + (" new" if flask.session.new else " old")

    return app


def session_cookie_of(response, name="session"):
    """The value of the session cookie that ``response`` sets."""
    for header in response.headers.getlist("Set-Cookie"):
        cookies = parse_cookie(header)
        if name in cookies:
            return cookies[name]
    raise AssertionError(f"the response sets no {name!r} cookie")


def show_with_cookie(app, value):
    """GET /show with ``value`` as the session cookie; return the body."""
    if isinstance(value, bytes):
        value = value.decode("ascii")
    client = app.test_client()
    client.set_cookie("session", value, domain="localhost")
    response = client.get("/show")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def signed_cookie(session_app):
    response = session_app.test_client().get("/set?value=alice")
    return session_cookie_of(response)


def test_a_genuine_cookie_is_accepted(session_app):
    """The control for the tests below: an untouched cookie is read back."""
    assert show_with_cookie(session_app, signed_cookie(session_app)) == "{'user': 'alice'} old"


_BASE64URL = string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_"


def _changed(char):
    """Another character in place of ``char`` that always changes what the
    cookie says. A base64 character gets the one whose six bits differ in
    the highest: the last character of a signature carries padding in its
    lowest bits, so a neighbour (``A`` for ``B``) can decode to the same
    bytes and be no forgery at all."""
    if char in _BASE64URL:
        return _BASE64URL[_BASE64URL.index(char) ^ 32]
    return "A"


def test_a_cookie_with_a_flipped_byte_gives_an_empty_session(session_app, figure):
    """Each byte of a genuine cookie changed in turn: every forgery is
    refused."""
    cookie = signed_cookie(session_app)
    for index in range(len(cookie)):
        forged = cookie[:index] + _changed(cookie[index]) + cookie[index + 1:]
        assert show_with_cookie(session_app, forged) == "{} new", f"byte {index} flipped"
    figure(f"{len(cookie)} cookies with one byte flipped, all refused")


def test_the_changed_character_always_changes_the_decoded_signature():
    """The forgeries above are forgeries for every cookie a run may draw:
    whatever the signature's last character (the one with padding bits),
    the changed one decodes to other bytes."""
    for last in _BASE64URL:
        signature = "A" * 42 + last
        changed = signature[:-1] + _changed(last)
        assert base64.urlsafe_b64decode(signature + "=") != base64.urlsafe_b64decode(changed + "=")


def test_a_truncated_cookie_gives_an_empty_session(session_app, figure):
    """A genuine cookie cut at every length: every piece is refused."""
    cookie = signed_cookie(session_app)
    for length in range(len(cookie)):
        assert show_with_cookie(session_app, cookie[:length]) == "{} new", f"cut at {length}"
    figure(f"{len(cookie)} truncated cookies, all refused")


def test_a_cookie_signed_with_another_key_gives_an_empty_session(session_app):
    """The cookie is made exactly as the application makes it, with the
    same salt, digest and serialization, but signed with another key."""
    forger = URLSafeTimedSerializer(
        "a key the attacker guessed", salt="flask.session",
        signer_kwargs={"digest_method": hashlib.sha256},
    )
    forged = forger.dumps({"user": "admin"})
    assert show_with_cookie(session_app, forged) == "{} new"


def test_a_cookie_from_another_application_gives_an_empty_session(session_app, tmp_path):
    other = flask.Flask(__name__)
    other.root_path = str(tmp_path)
    other.secret_key = "the other application's own key"

    @other.route("/login")
    def login():
        flask.session["user"] = "admin"
        return "logged in"

    cookie = session_cookie_of(other.test_client().get("/login"))
    assert show_with_cookie(session_app, cookie) == "{} new"


class _CreatesMarker:
    """An object whose unpickling creates a file: proof that code ran."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (str(self.path), "w"))


def test_a_pickle_signed_with_the_right_key_runs_nothing(session_app, tmp_path):
    """A cookie carrying a pickle, signed with the application's real key,
    salt and digest (as if the key had leaked): loading it must not
    unpickle, so the marker file is never created."""
    marker = tmp_path / "unpickled"
    payload = {"user": _CreatesMarker(marker)}
    # The control: unpickling this payload really does create the file.
    pickle.loads(pickle.dumps(payload)).get("user").close()
    assert marker.exists()
    marker.unlink()

    forger = URLSafeTimedSerializer(
        SECRET, salt="flask.session", serializer=pickle,
        signer_kwargs={"digest_method": hashlib.sha256},
    )
    assert show_with_cookie(session_app, forger.dumps(payload)) == "{} new"
    assert not marker.exists(), "the session cookie was unpickled"


class _RawText:
    """A serializer that signs the given JSON text as it is."""

    def dumps(self, text):
        return text

    def loads(self, text):
        return text


@pytest.mark.parametrize("payload", [
    '{" b": "not base64!"}', '{" d": "not a date"}', '{" di": 5}', "[1, 2]", '"text"', "null",
    "{", '{"user": "\\ud800"',
])
def test_a_signed_but_malformed_payload_gives_an_empty_session(session_app, payload):
    """Text that the right key signed but that is not a session (a list,
    broken JSON, a broken tagged value) gives an empty session, not an
    error page."""
    forger = URLSafeTimedSerializer(
        SECRET, salt="flask.session", serializer=_RawText(),
        signer_kwargs={"digest_method": hashlib.sha256},
    )
    # The control: this forger's cookies are accepted when they hold JSON.
    assert show_with_cookie(session_app, forger.dumps('{"user": "eve"}')) == "{'user': 'eve'} old"
    assert show_with_cookie(session_app, forger.dumps(payload)) == "{} new"


def test_stored_values_round_trip_unchanged(app):
    """Tuples, bytes, Markup and datetimes come back as the same types
    with the same values, nested too."""
    app.secret_key = SECRET
    stored = {
        "pair": (1, "two"),
        "raw": b"\x00\xffbytes",
        "html": flask.Markup("<b>bold</b>"),
        "when": datetime(2010, 4, 1, 12, 30, 5, 123),
        "nested": [{"inner": (b"x", flask.Markup("<i>"))}],
        " t": "a key that looks like a tag",
    }
    seen = {}

    @app.route("/store")
    def store():
        flask.session.update(stored)
        return "stored"

    @app.route("/load")
    def load():
        seen.update(flask.session)
        return "loaded"

    client = app.test_client()
    client.get("/store")
    client.get("/load")
    assert seen == stored
    for key, value in stored.items():
        assert type(seen[key]) is type(value), key
    assert type(seen["nested"][0]["inner"][1]) is flask.Markup


def test_a_session_over_4kb_warns_with_its_size_and_is_still_sent(app, figure):
    """Browsers drop cookies over about 4 KB without a word; the
    application warns, naming the cookie's size, and still sends it."""
    app.secret_key = SECRET

    @app.route("/big")
    def big():
        # Random, so that the cookie's compression cannot shrink it.
        flask.session["blob"] = secrets.token_urlsafe(4000)
        return "big"

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        response = app.test_client().get("/big")
    set_cookies = response.headers.getlist("Set-Cookie")
    cookie_header = next(h for h in set_cookies if h.startswith("session="))
    assert len(cookie_header) > 4096
    messages = [str(w.message) for w in caught]
    assert any(str(len(cookie_header)) in message for message in messages), messages
    figure(f"a {len(cookie_header)}-byte session cookie: warned and sent")
    assert len(session_cookie_of(response)) > 5000
    assert response.status_code == 200


def test_the_session_cookie_is_hidden_from_page_scripts(session_app):
    """HttpOnly keeps the cookie away from JavaScript (an XSS cannot read
    it); SameSite=Lax keeps other sites' forms from sending it."""
    response = session_app.test_client().get("/set")
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    attributes = [part.strip().lower() for part in header.split(";")[1:]]
    assert "httponly" in attributes
    assert "samesite=lax" in attributes


def test_changing_the_secret_key_invalidates_existing_sessions(session_app):
    """After the key is replaced (because it leaked), cookies signed with
    the old key are refused, also once the application has already
    verified cookies with the old one."""
    cookie = signed_cookie(session_app)
    assert show_with_cookie(session_app, cookie) == "{'user': 'alice'} old"
    session_app.secret_key = "a brand new key after a leak"
    assert show_with_cookie(session_app, cookie) == "{} new"
