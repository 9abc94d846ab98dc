"""The application object itself: its names and paths, resources, the
development server, the test client and WSGI middleware."""
import io
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


@pytest.mark.parametrize("resource", [
    "../../../../etc/hostname", "sql/../../outside.txt", "/etc/hostname", "..",
])
def test_open_resource_refuses_a_path_out_of_the_application_folder(app, tmp_path, resource):
    (tmp_path.parent / "outside.txt").write_text("not the application's")
    with pytest.raises(ValueError, match="leads out of the application's folder"):
        app.open_resource(resource)


def test_run_forwards_host_port_and_app(app, run_calls):
    app.run()
    assert run_calls == [
        ("localhost", 5000, app, {"use_reloader": False, "use_debugger": False, "threaded": True})
    ]


def test_run_forwards_other_options(app, run_calls):
    app.run("127.0.0.1", 8080, passthrough_errors=True)
    hostname, port, application, options = run_calls[0]
    assert (hostname, port) == ("127.0.0.1", 8080)
    assert options["passthrough_errors"] is True


def test_run_is_threaded_unless_told_otherwise(app, run_calls):
    app.run(threaded=False)
    assert run_calls[0][3]["threaded"] is False


def test_run_with_several_processes_is_not_threaded(app, run_calls):
    app.run(processes=2)
    assert "threaded" not in run_calls[0][3]


def test_run_debug_argument_sets_debug_and_enables_tools(app, run_calls):
    app.run(debug=True)
    assert app.debug is True
    assert run_calls[0][3] == {"use_reloader": True, "use_debugger": True, "threaded": True}


def test_run_follows_the_debug_attribute(app, run_calls):
    app.debug = True
    app.run()
    assert run_calls[0][3] == {"use_reloader": True, "use_debugger": True, "threaded": True}


def test_run_options_override_debug(app, run_calls):
    app.run(debug=True, use_reloader=False)
    assert run_calls[0][3] == {"use_reloader": False, "use_debugger": True, "threaded": True}


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


def test_defaults_of_the_class_attributes(app):
    assert app.static_path == "/static"
    assert app.session_cookie_name == "session"
    assert app.secret_key is None
    assert app.request_class is flask.Request
    assert app.response_class is flask.Response
    assert app.jinja_options["autoescape"] is True


# -- class-level configuration, as in 0.1 ----------------------------------

def test_a_subclass_secret_key_is_what_the_application_uses(tmp_path):
    class MyApp(flask.Flask):
        secret_key = "set on the class, long enough"

    app = MyApp(__name__)
    app.route("/")(lambda: flask.session.update(user="ada") or "ok")
    assert app.secret_key == "set on the class, long enough"
    assert "secret_key" not in vars(app)
    assert "session=" in app.test_client().get("/").headers["Set-Cookie"]


def test_class_level_configuration_is_what_instances_use():
    class Configured(flask.Flask):
        secret_key = "a class-level key, long enough"
        session_cookie_name = "configured"
        static_path = "/assets"
        request_class = type("MyRequest", (flask.Request,), {})
        response_class = type("MyResponse", (flask.Response,), {})
        jinja_options = {"autoescape": False}

    app = Configured(__name__)
    for name in ("secret_key", "session_cookie_name", "static_path", "request_class",
                 "response_class", "jinja_options"):
        assert getattr(app, name) is getattr(Configured, name), name
        assert name not in vars(app), name


def test_an_instance_value_overrides_the_class_value(app):
    app.secret_key = "set on the instance, long enough"
    assert flask.Flask.secret_key is None
    assert app.secret_key == "set on the instance, long enough"


# -- current_app and the star import -----------------------------------------

def test_current_app_is_the_application_handling_the_request(app, client):
    app.route("/")(lambda: str(flask.current_app.root_path))
    with app.test_request_context():
        assert flask.current_app._get_current_object() is app
    assert client.get("/").data == app.root_path.encode()


def test_current_app_outside_a_request_raises_runtime_error():
    with pytest.raises(RuntimeError, match="outside of a request context"):
        flask.current_app.debug


def test_star_import_gives_every_name_of_the_api_chapter():
    namespace = {}
    exec("from flask import *", namespace)
    expected = {
        "Flask", "Request", "Response", "request", "session", "g", "current_app",
        "url_for", "flash", "get_flashed_messages", "render_template",
        "render_template_string", "abort", "redirect", "escape", "Markup",
        "_request_ctx_stack", "HTTPException",
    }
    assert expected <= set(namespace)


def test_star_import_gives_no_module_of_the_standard_library():
    namespace = {}
    exec("from flask import *", namespace)
    assert not {"os", "sys", "json", "warnings"} & set(namespace)


# -- request limits ------------------------------------------------------------

@pytest.fixture
def echo_length(app):
    @app.route("/upload", methods=["POST"])
    def upload():
        return str(len(flask.request.get_data()))

    return app


def test_max_content_length_accepts_any_size_by_default(echo_length, client):
    assert flask.Flask.max_content_length is None
    assert client.post("/upload", data=b"x" * 100_000).data == b"100000"


def test_a_body_over_max_content_length_is_refused_with_413(echo_length, client):
    echo_length.max_content_length = 1000
    response = client.post("/upload", data=b"x" * 1001)
    assert response.status_code == 413


def test_a_body_within_max_content_length_is_accepted(echo_length, client):
    echo_length.max_content_length = 1000
    assert client.post("/upload", data=b"x" * 1000).data == b"1000"


def test_a_body_over_max_content_length_is_refused_before_it_is_read(echo_length):
    echo_length.max_content_length = 1000

    class Unreadable(io.BytesIO):
        def read(self, *args):
            raise AssertionError("the body was read")

        readline = readinto = read

    environ = create_environ("/upload", method="POST", input_stream=Unreadable(),
                             content_type="application/octet-stream")
    environ["CONTENT_LENGTH"] = str(10**9)
    app_iter, status, headers = run_wsgi_app(echo_length, environ)
    assert status.startswith("413")


# -- trusted hosts ----------------------------------------------------------------

@pytest.fixture
def slash_app(app):
    app.route("/slash/")(lambda: "slash")
    return app


def test_every_host_is_served_by_default(slash_app, client):
    response = client.get("/slash", headers={"Host": "evil.example"})
    assert response.headers["Location"] == "http://evil.example/slash/"


def test_an_untrusted_host_gets_400_before_a_redirect_is_built(slash_app, client):
    slash_app.trusted_hosts = ["example.com"]
    response = client.get("/slash", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert "Location" not in response.headers


def test_a_trusted_host_is_served(slash_app, client):
    slash_app.trusted_hosts = ["example.com"]
    response = client.get("/slash/", headers={"Host": "example.com"})
    assert (response.status_code, response.data) == (200, b"slash")


def test_a_dotted_trusted_host_also_trusts_its_subdomains(slash_app, client):
    slash_app.trusted_hosts = [".example.com"]
    assert client.get("/slash/", headers={"Host": "www.example.com"}).status_code == 200
    assert client.get("/slash/", headers={"Host": "example.org"}).status_code == 400


URLENCODED = "application/x-www-form-urlencoded"


@pytest.fixture
def form_app(app):
    @app.route("/form", methods=["POST"])
    def form():
        return str(len(flask.request.form))

    return app


def test_the_form_limits_default_to_those_of_flask_3_1():
    assert (flask.Flask.max_form_memory_size, flask.Flask.max_form_parts) == (500_000, 1_000)


def test_a_urlencoded_form_of_too_many_fields_is_refused_with_413(form_app, client):
    assert client.post("/form", data="&".join(["a=1"] * 1000), content_type=URLENCODED).data == b"1"
    response = client.post("/form", data="&".join(["a=1"] * 1001), content_type=URLENCODED)
    assert response.status_code == 413


def test_a_urlencoded_form_over_max_form_memory_size_is_refused_with_413(form_app, client):
    form_app.max_form_memory_size = 1000
    assert client.post("/form", data={"a": "x" * 990}).status_code == 200
    assert client.post("/form", data={"a": "x" * 1000}).status_code == 413


def test_a_multipart_form_of_too_many_fields_is_refused_with_413(form_app, client):
    form_app.max_form_parts = 10
    assert client.post("/form", data={f"f{n}": "v" for n in range(10)},
                       content_type="multipart/form-data").data == b"10"
    response = client.post("/form", data={f"f{n}": "v" for n in range(11)},
                           content_type="multipart/form-data")
    assert response.status_code == 413


def test_the_form_limits_can_be_lifted(form_app, client):
    form_app.max_form_memory_size = form_app.max_form_parts = None
    body = "&".join(f"a{n}=1" for n in range(2000))
    assert client.post("/form", data=body, content_type=URLENCODED).data == b"2000"


def chunked_post(app, body, path="/form"):
    """POST ``body`` as a server hands over a chunked request: no
    Content-Length, the stream ending where the body ends."""
    environ = create_environ(path, method="POST", data=body, content_type=URLENCODED)
    del environ["CONTENT_LENGTH"]
    environ["wsgi.input_terminated"] = True
    statuses = []
    result = app(environ, lambda status, headers, exc_info=None: statuses.append(status))
    body = b"".join(result)
    result.close()
    return statuses[0], body


def test_a_chunked_body_over_max_content_length_is_refused_not_cut_short(form_app):
    form_app.max_content_length = 1000
    assert chunked_post(form_app, b"a=" + b"x" * 900) == ("200 OK", b"1")
    assert chunked_post(form_app, b"a=" + b"x" * 998)[0] == "200 OK"
    assert chunked_post(form_app, b"a=" + b"x" * 999 + b"&b=2")[0].startswith("413")


def test_a_chunked_form_over_max_form_memory_size_is_refused(form_app):
    form_app.max_form_memory_size = 1000
    assert chunked_post(form_app, b"a=" + b"x" * 900) == ("200 OK", b"1")
    assert chunked_post(form_app, b"a=" + b"x" * 1000)[0].startswith("413")
