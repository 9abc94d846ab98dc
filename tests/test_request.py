"""The request object: the attributes the API chapter lists, uploads,
request bodies and a replaceable request class."""
import io
import json

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from werkzeug.test import create_environ, run_wsgi_app

import flask


def test_form_holds_posted_fields(app, client):
    @app.route("/", methods=["POST"])
    def index():
        return flask.request.form["name"]

    assert client.post("/", data={"name": "Ada"}).data == b"Ada"


def test_missing_form_key_is_400(app, client):
    @app.route("/", methods=["POST"])
    def index():
        return flask.request.form["absent"]

    assert client.post("/", data={"name": "Ada"}).status_code == 400


def test_form_keeps_repeated_fields(app, client):
    @app.route("/", methods=["POST"])
    def index():
        return ",".join(flask.request.form.getlist("tag"))

    assert client.post("/", data={"tag": ["a", "b"]}).data == b"a,b"


def test_args_holds_the_query_string(app, client):
    @app.route("/search")
    def search():
        return flask.request.args.get("q", "")

    assert client.get("/search?q=flask+micro").data == b"flask micro"
    assert client.get("/search").data == b""


def test_values_combines_form_and_args(app, client):
    @app.route("/", methods=["POST"])
    def index():
        values = flask.request.values
        return f"{values['a']} {values['b']}"

    assert client.post("/?a=from-url", data={"b": "from-form"}).data == b"from-url from-form"


def test_cookies_holds_the_client_cookies(app, client):
    @app.route("/")
    def index():
        return flask.request.cookies.get("flavour", "none")

    client.set_cookie("flavour", "oatmeal")
    assert client.get("/").data == b"oatmeal"


def test_stream_reads_a_json_body(app, client):
    @app.route("/api", methods=["POST"])
    def api():
        body = json.load(flask.request.stream)
        return str(body["a"] + body["b"])

    response = client.post(
        "/api", data=json.dumps({"a": 1, "b": 2}), content_type="application/json"
    )
    assert response.data == b"3"


def test_files_holds_uploaded_file_storage(app, client):
    @app.route("/upload", methods=["POST"])
    def upload():
        f = flask.request.files["the_file"]
        return f"{type(f).__name__} {f.filename} {f.read().decode()}"

    data = {"the_file": (io.BytesIO(b"file body"), "notes.txt")}
    response = client.post("/upload", data=data, content_type="multipart/form-data")
    assert response.data == b"FileStorage notes.txt file body"


def test_uploaded_files_are_closed_when_the_request_ends(app, client):
    """An upload is spooled to a temporary file; the request's end closes
    it, instead of leaving an open file to the garbage collector."""
    streams = []

    @app.route("/upload", methods=["POST"])
    def upload():
        streams.append(flask.request.files["the_file"].stream)
        return "ok"

    data = {"the_file": (io.BytesIO(b"file body"), "notes.txt")}
    assert client.post("/upload", data=data).data == b"ok"
    assert streams[0].closed


def test_uploaded_file_save_writes_it_to_disk(app, client, tmp_path):
    target = tmp_path / "uploaded_file.txt"

    @app.route("/upload", methods=["POST"])
    def upload():
        flask.request.files["the_file"].save(str(target))
        return "saved"

    data = {"the_file": (io.BytesIO(b"\x00binary\xff"), "x.bin")}
    assert client.post("/upload", data=data).data == b"saved"
    assert target.read_bytes() == b"\x00binary\xff"


def test_uploaded_file_is_not_in_form(app, client):
    @app.route("/upload", methods=["POST"])
    def upload():
        return f"{sorted(flask.request.form)} {sorted(flask.request.files)}"

    data = {"the_file": (io.BytesIO(b"x"), "x.txt"), "title": "t"}
    assert client.post("/upload", data=data).data == b"['title'] ['the_file']"


def test_environ_is_the_wsgi_environment(app, client):
    @app.route("/")
    def index():
        return flask.request.environ["HTTP_X_CUSTOM"]

    assert client.get("/", headers={"X-Custom": "yes"}).data == b"yes"


def test_method_is_the_request_method(app, client):
    @app.route("/", methods=["GET", "PUT"])
    def index():
        return flask.request.method

    assert client.put("/").data == b"PUT"


def test_url_attributes_as_the_api_chapter_describes(app):
    with app.test_request_context(
        "/page.html?x=y", base_url="http://www.example.com/myapplication"
    ):
        request = flask.request
        assert request.path == "/page.html"
        assert request.script_root == "/myapplication"
        assert request.url == "http://www.example.com/myapplication/page.html?x=y"
        assert request.base_url == "http://www.example.com/myapplication/page.html"
        assert request.url_root == "http://www.example.com/myapplication/"


def test_endpoint_and_view_args_are_set_during_the_view(app, client):
    @app.route("/post/<int:post_id>")
    def show_post(post_id):
        return f"{flask.request.endpoint} {flask.request.view_args}"

    assert client.get("/post/3").data == b"show_post {'post_id': 3}"


def test_endpoint_is_none_when_nothing_matched(app, client):
    seen = []

    @app.errorhandler(404)
    def not_found(error):
        seen.append((flask.request.endpoint, flask.request.view_args))
        return "missing", 404

    assert client.get("/nowhere").status_code == 404
    assert seen == [(None, None)]


def test_request_is_an_instance_of_the_request_class(app, client):
    @app.route("/")
    def index():
        return type(flask.request._get_current_object()).__name__

    assert client.get("/").data == b"Request"


def test_request_class_subclass_is_used(app, client):
    class MyRequest(flask.Request):
        def shout(self):
            return self.args["word"].upper()

    app.request_class = MyRequest

    @app.route("/")
    def index():
        return flask.request.shout()

    assert client.get("/?word=hey").data == b"HEY"


def test_malformed_multipart_body_is_ignored(app, client):
    """A body that is not multipart after all gives no files and no form
    fields, and the view runs normally (no error page)."""
    @app.route("/upload", methods=["POST"])
    def upload():
        return f"{len(flask.request.files)} files, {len(flask.request.form)} fields"

    response = client.post(
        "/upload",
        data=b"--boundary\r\ngarbage without headers",
        content_type="multipart/form-data; boundary=boundary",
    )
    assert (response.status_code, response.data) == (200, b"0 files, 0 fields")


def test_invalid_host_header_is_400(app, client):
    @app.route("/")
    def index():
        return "index"

    # No URL can hold a host label over 63 characters.
    response = client.get("/", headers={"Host": "x" * 300})
    assert response.status_code == 400


@pytest.mark.parametrize("body", [b"[" * 100_000, b'{"a":' * 100_000 + b"1" + b"}" * 100_000])
def test_deeply_nested_json_is_a_400(app, client, body):
    app.route("/json", methods=["POST"])(lambda: repr(flask.request.get_json()))
    response = client.post("/json", data=body, content_type="application/json")
    assert response.status_code == 400
    assert b"Traceback" not in response.data


def test_deeply_nested_json_is_none_when_silent(app, client):
    app.route("/json", methods=["POST"])(lambda: repr(flask.request.get_json(silent=True)))
    response = client.post("/json", data=b"[" * 100_000, content_type="application/json")
    assert (response.status_code, response.data) == (200, b"None")


def test_well_formed_nested_json_is_still_parsed(app, client):
    app.route("/json", methods=["POST"])(lambda: repr(flask.request.get_json()))
    body = b"[" * 100 + b"1" + b"]" * 100
    response = client.post("/json", data=body, content_type="application/json")
    assert (response.status_code, response.data) == (200, repr(json.loads(body)).encode())


def test_a_cookie_header_with_bytes_that_are_not_utf8_is_not_a_server_error(app):
    app.secret_key = "a test secret, long enough"
    app.route("/")(lambda: flask.request.cookies.get("theme", "-") + " " + str(dict(flask.session)))
    environ = create_environ("/")
    # WSGI gives header bytes as latin-1 text: \x80 is a lone byte.
    environ["HTTP_COOKIE"] = "session=\x80; theme=dark"
    app_iter, status, headers = run_wsgi_app(app, environ, buffered=True)
    assert (status, b"".join(app_iter)) == ("200 OK", b"dark {}")


def test_uploads_of_a_multipart_body_that_fails_to_parse_are_closed(app):
    """Werkzeug gives up on a body of more than 1,000 parts with a 413,
    after it has already spooled the first file: that file is closed too."""
    streams = []

    class Recording(flask.Request):
        def _get_file_stream(self, *args, **kwargs):
            streams.append(super()._get_file_stream(*args, **kwargs))
            return streams[-1]

    app.request_class = Recording
    app.route("/form", methods=["POST"])(lambda: str(len(flask.request.form)))
    body = (
        b'--xyz\r\nContent-Disposition: form-data; name="up"; filename="a.txt"\r\n\r\n'
        + b"A" * 10 + b"\r\n"
        + b'--xyz\r\nContent-Disposition: form-data; name="m"\r\n\r\nv\r\n' * 1001
        + b"--xyz--\r\n"
    )
    environ = create_environ("/form", method="POST", input_stream=io.BytesIO(body),
                             content_type="multipart/form-data; boundary=xyz")
    environ["CONTENT_LENGTH"] = str(len(body))
    app_iter, status, headers = run_wsgi_app(app, environ, buffered=True)
    assert status.startswith("413")
    assert len(streams) == 1
    assert streams[0].closed


def test_a_body_the_view_never_read_is_not_parsed_when_the_request_ends(app, client):
    """Closing the request closes what was uploaded; a form nobody asked
    for is not parsed then (a form over the limits would be refused after
    the view had answered)."""
    app.max_form_parts = 10

    @app.route("/ignore", methods=["POST"])
    def ignore():
        return "not read"

    response = client.post("/ignore", data={f"f{n}": "v" for n in range(20)},
                           content_type="multipart/form-data")
    assert (response.status_code, response.data) == (200, b"not read")


def test_every_upload_of_a_request_is_closed_when_it_ends(app, client):
    streams = []

    @app.route("/upload", methods=["POST"])
    def upload():
        streams.extend(f.stream for f in flask.request.files.values())
        return ",".join(sorted(flask.request.files))

    response = client.post("/upload", data={
        "first": (io.BytesIO(b"one"), "one.txt"),
        "second": (io.BytesIO(b"two"), "two.txt"),
    })
    assert response.data == b"first,second"
    assert len(streams) == 2 and all(stream.closed for stream in streams)


def test_a_view_that_never_looks_at_the_request_does_not_make_a_request_object(app, client):
    made = []

    class CountingRequest(flask.Request):
        def __init__(self, environ, *args, **kwargs):
            made.append(environ["PATH_INFO"])
            super().__init__(environ, *args, **kwargs)

    app.request_class = CountingRequest

    @app.route("/quiet")
    def quiet():
        return "quiet"

    @app.route("/curious/<int:n>")
    def curious(n):
        return f"{flask.request.endpoint} {flask.request.view_args} {flask.request.args['q']}"

    assert client.get("/quiet").data == b"quiet"
    assert made == []
    assert client.get("/curious/3?q=x").data == b"curious {'n': 3} x"
    assert made == ["/curious/3"]


def test_a_request_made_after_a_failed_match_carries_the_routing_exception(app, client):
    @app.errorhandler(404)
    def not_found(error):
        req = flask.request
        return f"{req.endpoint} {req.routing_exception is error} {req.path}", 404

    response = client.get("/nowhere")
    assert (response.status_code, response.data) == (404, b"None True /nowhere")


# The query string as Werkzeug's own args would parse it, but for raw bytes
# that are not UTF-8 (kept percent-encoded rather than a 500).
def _args_as_parse_qsl_gives_them(raw):
    from urllib.parse import parse_qsl

    query = raw.decode("utf-8", "werkzeug.url_quote")
    return parse_qsl(query, keep_blank_values=True, errors="werkzeug.url_quote")


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "=", "&", "&&", "%", "%41", "%zz", "+", ";", " ",
                                 "é", "\xff", "ä=ö", "==", "k=v", "%C3%A9", "\t"]), max_size=12))
@example(["a", "=", "", "&", "b"])
@example(["&", "=", "&", "="])
def test_args_are_what_parse_qsl_finds_in_the_query_string(parts):
    raw = "".join(parts).encode("utf-8")
    environ = create_environ("/")
    environ["QUERY_STRING"] = raw.decode("latin-1")
    request = flask.Request(environ)
    expected = MultiDict(_args_as_parse_qsl_gives_them(raw))
    assert list(request.args.lists()) == list(expected.lists())
