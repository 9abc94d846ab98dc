"""The application object itself: its names and paths, resources, the
development server, the test client and WSGI middleware."""
import os
import subprocess
import sys
import textwrap

import pytest
import werkzeug.serving
from werkzeug.test import Client, create_environ, run_wsgi_app

import flask


@pytest.fixture
def run_calls(monkeypatch):
    """Replace Werkzeug's development server by a recorder of its calls."""
    calls = []

    def fake_run_simple(hostname, port, application, **options):
        calls.append((hostname, port, application, options))

    monkeypatch.setattr(werkzeug.serving, "run_simple", fake_run_simple)
    return calls


def test_public_names_are_importable():
    for name in flask.__all__ + ["_request_ctx_stack"]:
        assert hasattr(flask, name), name


def test_public_names_have_docstrings():
    missing = [
        name for name in ("Flask", "Request", "Response", "url_for", "flash",
                          "get_flashed_messages", "render_template",
                          "render_template_string")
        if not getattr(flask, name).__doc__
    ]
    assert missing == []


def test_package_name_is_kept():
    assert flask.Flask("some.module").package_name == "some.module"


def test_root_path_of_a_module_is_its_folder():
    app = flask.Flask(__name__)
    assert app.root_path == os.path.dirname(os.path.abspath(__file__))


def test_root_path_of_an_unloaded_name_is_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert flask.Flask("no_such_module_loaded").root_path == str(tmp_path)


def test_root_path_of_a_package_is_inside_the_package(tmp_path, monkeypatch):
    package = tmp_path / "mypkg_rootpath"
    package.mkdir()
    (package / "__init__.py").write_text("from flask import Flask\napp = Flask(__name__)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "mypkg_rootpath", raising=False)
    try:
        import mypkg_rootpath

        assert mypkg_rootpath.app.root_path == str(package)
    finally:
        sys.modules.pop("mypkg_rootpath", None)


def test_root_path_of_a_script_is_its_folder(tmp_path):
    script = tmp_path / "script_app.py"
    script.write_text(textwrap.dedent(
        """
        from flask import Flask
        app = Flask(__name__)
        print(app.package_name)
        print(app.root_path)
        """
    ))
    result = subprocess.run(
        [sys.executable, str(script)], cwd="/", capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["__main__", str(tmp_path)]


def test_open_resource_reads_text(app, tmp_path):
    (tmp_path / "schema.sql").write_text("create table é;", encoding="utf-8")
    with app.open_resource("schema.sql") as f:
        assert f.read() == "create table é;"


def test_open_resource_reads_bytes(app, tmp_path):
    (tmp_path / "data.bin").write_bytes(b"\x00\xff")
    with app.open_resource("data.bin", "rb") as f:
        assert f.read() == b"\x00\xff"


def test_open_resource_subfolders_use_forward_slashes(app, tmp_path):
    (tmp_path / "sql").mkdir()
    (tmp_path / "sql" / "init.sql").write_text("select 1;")
    with app.open_resource("sql/init.sql") as f:
        assert f.read() == "select 1;"


def test_open_resource_missing_file_raises(app):
    with pytest.raises(FileNotFoundError):
        app.open_resource("absent.sql")


def test_run_forwards_host_port_and_app(app, run_calls):
    app.run()
    assert run_calls == [
        ("localhost", 5000, app, {"use_reloader": False, "use_debugger": False})
    ]


def test_run_forwards_other_options(app, run_calls):
    app.run("127.0.0.1", 8080, threaded=True)
    hostname, port, application, options = run_calls[0]
    assert (hostname, port) == ("127.0.0.1", 8080)
    assert options["threaded"] is True


def test_run_debug_argument_sets_debug_and_enables_tools(app, run_calls):
    app.run(debug=True)
    assert app.debug is True
    assert run_calls[0][3] == {"use_reloader": True, "use_debugger": True}


def test_run_follows_the_debug_attribute(app, run_calls):
    app.debug = True
    app.run()
    assert run_calls[0][3] == {"use_reloader": True, "use_debugger": True}


def test_run_options_override_debug(app, run_calls):
    app.run(debug=True, use_reloader=False)
    assert run_calls[0][3] == {"use_reloader": False, "use_debugger": True}


def test_test_client_is_a_werkzeug_client(app):
    assert isinstance(app.test_client(), Client)


def test_test_client_keeps_cookies(app):
    @app.route("/set")
    def set_cookie():
        response = flask.Response("set")
        response.set_cookie("flavour", "oatmeal")
        return response

    @app.route("/get")
    def get_cookie():
        return flask.request.cookies.get("flavour", "none")

    client = app.test_client()
    client.get("/set")
    assert client.get("/get").data == b"oatmeal"


def test_test_client_follows_redirects(app):
    @app.route("/")
    def index():
        return flask.redirect(flask.url_for("target"))

    @app.route("/target")
    def target():
        return "arrived"

    response = app.test_client().get("/", follow_redirects=True)
    assert response.data == b"arrived"


def test_test_client_responses_use_the_response_class(app):
    @app.route("/")
    def index():
        return "x"

    assert isinstance(app.test_client().get("/"), flask.Response)


def test_app_is_a_wsgi_application(app):
    @app.route("/")
    def index():
        return "through WSGI"

    body, status, headers = run_wsgi_app(app, create_environ("/"))
    assert status == "200 OK"
    assert b"".join(body) == b"through WSGI"


def test_middleware_wrapping_wsgi_app_applies_to_app_calls(app):
    @app.route("/")
    def index():
        return "inner"

    class AddHeader:
        def __init__(self, wsgi_app):
            self.wsgi_app = wsgi_app

        def __call__(self, environ, start_response):
            def start(status, headers, exc_info=None):
                return start_response(status, headers + [("X-Middleware", "on")], exc_info)

            return self.wsgi_app(environ, start)

    app.wsgi_app = AddHeader(app.wsgi_app)
    response = app.test_client().get("/")
    assert response.headers["X-Middleware"] == "on"
    assert response.data == b"inner"


def test_middleware_can_rewrite_the_environ(app):
    @app.route("/real")
    def real():
        return flask.request.path

    inner = app.wsgi_app

    def rewrite(environ, start_response):
        environ["PATH_INFO"] = "/real"
        return inner(environ, start_response)

    app.wsgi_app = rewrite
    assert app.test_client().get("/alias").data == b"/real"


def test_debug_is_off_by_default(app):
    assert app.debug is False


def test_defaults_of_the_class_attributes(app):
    assert app.static_path == "/static"
    assert app.session_cookie_name == "session"
    assert app.secret_key is None
    assert app.request_class is flask.Request
    assert app.response_class is flask.Response
    assert app.jinja_options["autoescape"] is True
