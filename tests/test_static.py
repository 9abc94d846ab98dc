"""Static files served from the static folder beside the application."""
import os
import re

import pytest
from werkzeug.routing import BuildError

import flask


@pytest.fixture
def static(tmp_path):
    """The app fixture's static folder with a style sheet in it, and a
    secret file right outside of it."""
    folder = tmp_path / "static"
    folder.mkdir()
    (folder / "style.css").write_text("body { color: red }")
    (folder / "sub").mkdir()
    (folder / "sub" / "app.js").write_text("let x = 1;")
    (tmp_path / "secret.txt").write_text("do not serve")
    return folder


def test_static_file_is_served(client, static):
    response = client.get("/static/style.css")
    assert response.status_code == 200
    assert response.data == b"body { color: red }"
    assert response.mimetype == "text/css"


def test_static_file_in_a_subfolder_is_served(client, static):
    assert client.get("/static/sub/app.js").data == b"let x = 1;"


def test_static_response_has_etag_and_last_modified(client, static):
    os.utime(static / "style.css", (1_000_000_000, 1_000_000_000))
    response = client.get("/static/style.css")
    assert response.headers["Last-Modified"] == "Sun, 09 Sep 2001 01:46:40 GMT"
    assert re.fullmatch(r'"[^"]+"', response.headers["ETag"])
    # The same file gives the same validator.
    assert client.get("/static/style.css").headers["ETag"] == response.headers["ETag"]


def test_matching_etag_gives_304(client, static):
    etag = client.get("/static/style.css").headers["ETag"]
    response = client.get("/static/style.css", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""


def test_not_modified_since_gives_304(client, static):
    last_modified = client.get("/static/style.css").headers["Last-Modified"]
    response = client.get(
        "/static/style.css", headers={"If-Modified-Since": last_modified}
    )
    assert response.status_code == 304


def test_changed_file_is_sent_again(client, static):
    etag = client.get("/static/style.css").headers["ETag"]
    (static / "style.css").write_text("body { color: blue; }")
    os.utime(static / "style.css", (1, 1))
    response = client.get("/static/style.css", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response.data == b"body { color: blue; }"


def test_head_gives_headers_without_body(client, static):
    response = client.head("/static/style.css")
    assert response.status_code == 200
    assert response.data == b""
    assert response.headers["Content-Length"] == str(len("body { color: red }"))


def test_static_files_may_be_cached_for_twelve_hours(client, static):
    assert client.get("/static/style.css").headers["Cache-Control"] == "max-age=43200, public"


def test_conditional_head_gives_304(client, static):
    etag = client.get("/static/style.css").headers["ETag"]
    response = client.head("/static/style.css", headers={"If-None-Match": etag})
    assert (response.status_code, response.data) == (304, b"")


def test_missing_static_file_is_404(client, static):
    assert client.get("/static/absent.css").status_code == 404


def test_directory_is_404(client, static):
    assert client.get("/static/sub").status_code == 404


@pytest.mark.parametrize(
    "url",
    ["/static/../secret.txt", "/static/%2e%2e/secret.txt", "/static/sub/../../secret.txt",
     "/static/%2E%2E/%2E%2E/secret.txt"],
)
def test_traversal_in_the_url_is_404(client, static, url):
    response = client.get(url, follow_redirects=True)
    assert response.status_code == 404
    assert b"do not serve" not in response.data


def test_absolute_path_in_the_url_is_404(client, static, tmp_path):
    url = "/static/" + str(tmp_path / "secret.txt")
    response = client.get(url, follow_redirects=True)
    assert response.status_code == 404
    assert b"do not serve" not in response.data


def test_symlink_out_of_the_static_folder_is_404(client, static, tmp_path):
    os.symlink(tmp_path / "secret.txt", static / "link.txt")
    response = client.get("/static/link.txt")
    assert response.status_code == 404
    assert b"do not serve" not in response.data


def test_symlink_inside_the_static_folder_is_served(client, static):
    os.symlink(static / "style.css", static / "alias.css")
    assert client.get("/static/alias.css").data == b"body { color: red }"


def test_url_for_static(app):
    with app.test_request_context():
        assert flask.url_for("static", filename="style.css") == "/static/style.css"


def test_url_for_static_quotes_the_filename(app):
    with app.test_request_context():
        assert flask.url_for("static", filename="a b/c.css") == "/static/a%20b/c.css"


def test_static_path_none_disables_the_route(tmp_path):
    class NoStatic(flask.Flask):
        static_path = None

    app = NoStatic(__name__)
    app.root_path = str(tmp_path)
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "style.css").write_text("x")
    assert app.test_client().get("/static/style.css").status_code == 404
    with app.test_request_context():
        with pytest.raises(BuildError):
            flask.url_for("static", filename="style.css")


def test_static_path_can_be_changed(tmp_path):
    class Assets(flask.Flask):
        static_path = "/assets"

    app = Assets(__name__)
    app.root_path = str(tmp_path)
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "style.css").write_text("x")
    with app.test_client().get("/assets/style.css") as response:
        assert response.data == b"x"
    with app.test_request_context():
        assert flask.url_for("static", filename="style.css") == "/assets/style.css"


def guarded(app):
    """The login guard of 0.1-era applications: every path but /login
    redirects there while nobody is logged in."""
    hooks = []

    @app.before_request
    def require_login():
        hooks.append("before")
        if flask.request.path != "/login":
            return flask.redirect("/login")

    @app.after_request
    def mark(response):
        hooks.append("after")
        response.headers["X-After"] = "yes"
        return response

    @app.route("/login")
    def login():
        return "please log in"

    return hooks


def test_static_files_are_served_ahead_of_before_request(app, client, static):
    hooks = guarded(app)
    response = client.get("/static/style.css")
    assert (response.status_code, response.data) == (200, b"body { color: red }")
    assert hooks == []


def test_static_files_do_not_go_through_after_request(app, client, static):
    guarded(app)
    assert "X-After" not in client.get("/static/style.css").headers


def test_missing_static_file_goes_on_into_the_application(app, client, static):
    hooks = guarded(app)
    response = client.get("/static/absent.css")
    assert (response.status_code, response.headers["Location"]) == (302, "/login")
    assert hooks == ["before", "after"]


def test_static_files_answer_get_and_head_only(app, client, static):
    response = client.post("/static/style.css")
    # It goes on into the application, where no rule serves it.
    assert response.status_code == 404
    assert b"color" not in response.data


def test_middleware_around_wsgi_app_also_wraps_static_files(app, client, static):
    seen = []

    def middleware(wsgi_app):
        def wrapped(environ, start_response):
            seen.append(environ["PATH_INFO"])
            return wsgi_app(environ, start_response)
        return wrapped

    app.wsgi_app = middleware(app.wsgi_app)
    assert client.get("/static/style.css").data == b"body { color: red }"
    assert seen == ["/static/style.css"]


def test_static_file_under_a_script_name(app, client, static):
    response = client.get("/static/style.css", environ_base={"SCRIPT_NAME": "/myapp"})
    assert response.data == b"body { color: red }"
    with app.test_request_context("/", base_url="http://localhost/myapp/"):
        assert flask.url_for("static", filename="style.css") == "/myapp/static/style.css"


def test_changed_root_path_is_where_static_files_come_from(app, client, tmp_path):
    other = tmp_path / "elsewhere"
    (other / "static").mkdir(parents=True)
    (other / "static" / "style.css").write_text("elsewhere")
    app.root_path = str(other)
    assert client.get("/static/style.css").data == b"elsewhere"


def test_an_untrusted_host_gets_400_for_a_static_file(app, client, static):
    app.trusted_hosts = ["example.com"]
    assert client.get("/static/style.css", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/static/style.css", headers={"Host": "example.com"}).status_code == 200
