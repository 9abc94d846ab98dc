"""Every example of the API chapter of the Flask 0.1 documentation
("Flask Documentation, Release 0.1", section 2.1 "API"), run against
flask.py.

The examples are kept as the documentation prints them; each change (a
Python 3 one, or a repair of an example that is wrong or was garbled in
the text conversion) is noted where it is made.
"""
import io
import json
import textwrap

import pytest
import werkzeug.serving
from werkzeug.exceptions import HTTPException
from werkzeug.test import create_environ

import flask
from doctests import run_doctest


@pytest.fixture
def run_example(tmp_path, monkeypatch):
    """Run a documentation example in a fresh namespace, from inside a
    temporary folder (the application's root path), and return the
    namespace."""
    monkeypatch.chdir(tmp_path)

    def run(source, **names):
        namespace = {"__name__": "docs_example", **names}
        exec(compile(textwrap.dedent(source), "<api example>", "exec"), namespace)
        return namespace

    return run


# -- 2.1.1 Application Object ------------------------------------------------

def test_application_object_creation(run_example):
    app = run_example("from flask import Flask\napp = Flask (__name__)\n")["app"]
    assert isinstance(app, flask.Flask)
    assert app.package_name == "docs_example"


def test_route_and_add_url_rule_are_equivalent(run_example):
    # The docs write app.add_url_rule('index', '/'), arguments swapped
    # against the signature add_url_rule(rule, endpoint) printed above
    # it; the example is run with them in the documented order.
    decorated = run_example(
        """
        from flask import Flask
        app = Flask(__name__)
        @app.route('/')
        def index():
            pass
        """
    )["app"]
    by_hand = run_example(
        """
        from flask import Flask
        app = Flask(__name__)
        def index():
            pass
        app.add_url_rule('/', 'index')
        app.view_functions['index'] = index
        """
    )["app"]
    for app in (decorated, by_hand):
        with app.test_request_context("/"):
            assert app.match_request() == ("index", {})
            assert app.view_functions["index"].__name__ == "index"
        assert sorted(rule.rule for rule in app.url_map.iter_rules()) == [
            "/", "/static/<path:filename>"
        ]


def test_errorhandler_decorator_example(run_example):
    # The docs' handler takes no argument, but handlers are called with
    # the exception (SPEC), so the example takes it as "error".
    app = flask.Flask("docs_example")
    run_example(
        """
        @app.errorhandler(404)
        def page_not_found(error):
            return 'This page does not exist', 404
        """,
        app=app,
    )
    response = app.test_client().get("/nowhere")
    assert (response.status_code, response.data) == (404, b"This page does not exist")


def test_error_handlers_dict_example(run_example):
    # Same change as above: the handler receives the exception.
    app = flask.Flask("docs_example")
    run_example(
        """
        def page_not_found(error):
            return 'This page does not exist', 404
        app.error_handlers[404] = page_not_found
        """,
        app=app,
    )
    response = app.test_client().get("/nowhere")
    assert (response.status_code, response.data) == (404, b"This page does not exist")


def test_jinja_options_autoescape_and_with_are_on():
    # The docs list the Jinja2 2 extensions jinja2.ext.autoescape and
    # jinja2.ext.with_; Jinja2 3 has both built in (and no longer has the
    # extensions), so jinja_options only sets autoescape.
    app = flask.Flask("docs_example")
    assert app.jinja_options == {"autoescape": True}
    with app.test_request_context():
        result = flask.render_template_string(
            "{% with x = value %}{{ x }}{% endwith %}", value="<em>"
        )
    assert result == "&lt;em&gt;"


def test_jinja_env_is_built_from_options_and_loader():
    app = flask.Flask("docs_example")
    assert app.jinja_env.autoescape is True
    assert app.jinja_env.loader.searchpath == app.create_jinja_loader().searchpath


def test_make_response_accepts_the_documented_types(app):
    def wsgi_function(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"wsgi"]

    with app.test_request_context():
        response = flask.Response("as is")
        assert app.make_response(response) is response
        # str (unicode in the docs) is sent UTF-8 encoded; bytes as they are.
        assert app.make_response("é").data == "é".encode("utf-8")
        assert app.make_response(b"raw").data == b"raw"
        assert app.make_response(("body", 201)).status_code == 201
        assert app.make_response(wsgi_function).data == b"wsgi"


def test_open_resource_example(run_example, tmp_path):
    (tmp_path / "schema.sql").write_text("create table entries (id integer);")
    seen = []
    app = flask.Flask("docs_example")
    run_example(
        """
        with app.open_resource('schema.sql') as f:
           contents = f.read()
           do_something_with(contents)
        """,
        app=app, do_something_with=seen.append,
    )
    assert seen == ["create table entries (id integer);"]


def test_preprocess_request_value_is_handled_like_a_view_value():
    app = flask.Flask("docs_example")
    app.before_request(lambda: ("from a hook", 203))
    response = app.test_client().get("/")
    assert (response.status_code, response.data) == (203, b"from a hook")


def test_process_response_can_be_overridden():
    class MyApp(flask.Flask):
        def process_response(self, response):
            response = super().process_response(response)
            response.headers["X-Processed"] = "yes"
            return response

    app = MyApp("docs_example")
    assert app.test_client().get("/").headers["X-Processed"] == "yes"


def test_request_context_example(run_example):
    app = flask.Flask("docs_example")
    environ = create_environ("/somewhere")
    seen = []
    run_example(
        """
        with app.request_context(environ):
            do_something_with(request)
        """,
        app=app, environ=environ, request=flask.request,
        do_something_with=lambda r: seen.append(r.path),
    )
    assert seen == ["/somewhere"]


def test_route_examples(run_example):
    app = flask.Flask("docs_example")
    run_example(
        """
        @app.route('/')
        def index():
            pass

        @app.route('/<username>')
        def show_user(username):
            pass

        @app.route('/post/<int:post_id>')
        def show_post(post_id):
            pass
        """,
        app=app,
    )
    adapter = app.url_map.bind("localhost")
    assert adapter.match("/") == ("index", {})
    assert adapter.match("/ada") == ("show_user", {"username": "ada"})
    assert adapter.match("/post/3") == ("show_post", {"post_id": 3})


def test_route_hello_world_example(run_example):
    app = flask.Flask("docs_example")
    run_example(
        """
        @app.route('/')
        def index():
            return 'Hello World'
        """,
        app=app,
    )
    assert app.test_client().get("/").data == b"Hello World"


def test_trailing_slash_rules():
    app = flask.Flask("docs_example")
    app.add_url_rule("/projects/", "projects")
    app.add_url_rule("/about", "about")
    app.view_functions.update(projects=lambda: "projects", about=lambda: "about")
    client = app.test_client()
    # 1. Redirected to the URL with the slash (Werkzeug 3 redirects with
    #    308, which keeps the method).
    assert client.get("/projects").headers["Location"].endswith("/projects/")
    # 2. An extra slash is a 404.
    assert client.get("/about/").status_code == 404


def test_route_methods_default_to_get_and_head():
    app = flask.Flask("docs_example")

    @app.route("/")
    def index():
        return "x"

    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == "index")
    assert rule.methods == {"GET", "HEAD"}


def test_run_forwards_to_run_simple(monkeypatch):
    calls = []
    monkeypatch.setattr(werkzeug.serving, "run_simple",
                        lambda host, port, app, **options: calls.append((host, port, options)))
    app = flask.Flask("docs_example")
    app.run(host="0.0.0.0", port=8000, threaded=True)
    assert calls == [("0.0.0.0", 8000,
                      {"threaded": True, "use_reloader": False, "use_debugger": False})]


def test_wsgi_app_middleware_example(run_example):
    class MyMiddleware:
        def __init__(self, app):
            self.app = app

        def __call__(self, environ, start_response):
            environ["HTTP_X_WRAPPED"] = "yes"
            return self.app(environ, start_response)

    app = flask.Flask("docs_example")

    @app.route("/")
    def index():
        return flask.request.headers.get("X-Wrapped", "no")

    run_example("app.wsgi_app = MyMiddleware(app.wsgi_app)", app=app, MyMiddleware=MyMiddleware)
    assert app.test_client().get("/").data == b"yes"


def test_test_request_context_accepts_create_environ_arguments():
    app = flask.Flask("docs_example")
    with app.test_request_context("/x", "http://example.com/app", method="PUT",
                                  data="body", headers={"X-A": "1"}):
        assert flask.request.url == "http://example.com/app/x"
        assert flask.request.method == "PUT"
        assert flask.request.get_data() == b"body"
        assert flask.request.headers["X-A"] == "1"


# -- 2.1.2 Incoming Request Data ---------------------------------------------

def test_request_url_attributes_table():
    # The docs' table swaps url and base_url (the query string belongs to
    # url) and names url_root "root_url"; Werkzeug's attributes are
    # checked under their real names and meanings.
    app = flask.Flask("docs_example")
    with app.test_request_context("/page.html?x=y",
                                  base_url="http://www.example.com/myapplication"):
        request = flask.request
        assert request.path == "/page.html"
        assert request.script_root == "/myapplication"
        assert request.base_url == "http://www.example.com/myapplication/page.html"
        assert request.url == "http://www.example.com/myapplication/page.html?x=y"
        assert request.url_root == "http://www.example.com/myapplication/"


def test_request_stream_json_example(run_example):
    # simplejson -> the standard library's json, which has the same load().
    app = flask.Flask("docs_example")
    with app.test_request_context("/", method="POST", data='{"a": [1, 2]}',
                                  content_type="application/json"):
        json_body = run_example(
            "json_body = simplejson.load(request.stream)",
            simplejson=json, request=flask.request,
        )["json_body"]
    assert json_body == {"a": [1, 2]}


def test_request_form_args_values_cookies_files():
    app = flask.Flask("docs_example")
    data = {"field": "f", "upload": (io.BytesIO(b"content"), "a.txt")}
    with app.test_request_context("/?q=1", method="POST", data=data,
                                  headers={"Cookie": "c=v"}):
        request = flask.request
        assert request.form["field"] == "f"
        assert "upload" not in request.form
        assert request.args["q"] == "1"
        assert request.values["field"] == "f" and request.values["q"] == "1"
        assert dict(request.cookies) == {"c": "v"}
        assert request.files["upload"].read() == b"content"
        assert request.environ["REQUEST_METHOD"] == request.method == "POST"


# -- 2.1.3 Response Objects ----------------------------------------------------

def test_response_attributes_and_set_cookie():
    response = flask.Response("hello", status=201, headers={"X-A": "b"})
    assert response.mimetype == "text/html"
    assert response.status_code == 201
    assert response.headers["X-A"] == "b"
    assert response.data == b"hello"
    response.set_cookie("key", "välue", max_age=60, path="/p", domain=".example.com",
                        httponly=True)
    cookie = response.headers["Set-Cookie"]
    for part in ("key=", "Max-Age=60", "Path=/p", "Domain=example.com", "HttpOnly"):
        assert part in cookie


# -- 2.1.4 Sessions -------------------------------------------------------------

def test_session_new_and_modified_attributes():
    app = flask.Flask("docs_example")
    app.secret_key = "a key long enough for sessions"
    with app.test_request_context():
        assert flask.session.new is True
        assert flask.session.modified is False


def test_session_mutable_value_example(run_example):
    app = flask.Flask("docs_example")
    app.secret_key = "a key long enough for sessions"

    @app.route("/start")
    def start():
        flask.session["objects"] = []
        return "x"

    @app.route("/append")
    def append():
        run_example(
            """
            # this change is not picked up because a mutable object (here
            # a list) is changed.
            session['objects'].append(42)
            # so mark it as modified yourself
            session.modified = True
            """,
            session=flask.session,
        )
        return "x"

    @app.route("/show")
    def show():
        return repr(flask.session["objects"])

    client = app.test_client()
    client.get("/start")
    client.get("/append")
    assert client.get("/show").data == b"[42]"


# -- 2.1.5 Application Globals ---------------------------------------------------

def test_g_holds_data_for_one_request():
    app = flask.Flask("docs_example")

    @app.before_request
    def load_user():
        flask.g.user = flask.request.args.get("user")

    @app.route("/")
    def index():
        return str(flask.g.user)

    client = app.test_client()
    assert client.get("/?user=ada").data == b"ada"
    assert client.get("/").data == b"None"


# -- 2.1.6 Useful Functions and Classes -------------------------------------------

def test_url_for_generates_urls():
    app = flask.Flask("docs_example")
    app.add_url_rule("/user/<username>", "profile")
    with app.test_request_context():
        assert flask.url_for("profile", username="ada") == "/user/ada"


def test_abort_404_raises_http_exception():
    with pytest.raises(HTTPException) as info:
        flask.abort(404)
    assert info.value.code == 404


@pytest.mark.parametrize("code", [301, 302, 303, 305, 307])
def test_redirect_supported_codes(code):
    response = flask.redirect("/target", code)
    assert response.status_code == code
    assert response.headers["Location"] == "/target"


def test_redirect_defaults_to_302():
    response = flask.redirect("/target")
    assert response.status_code == 302
    assert response.headers["Location"] == "/target"


def test_escape_returns_markup():
    result = flask.escape("<a href=\"x\">&'</a>")
    assert isinstance(result, flask.Markup)
    assert result == "&lt;a href=&#34;x&#34;&gt;&amp;&#39;&lt;/a&gt;"


def test_markup_sessions():
    # Python 3 reprs carry no u'' prefix; "&qt;" and "& amp;" in the
    # printed output are conversion errors for "&gt;" and "&amp;".
    run_doctest(
        """
        >>> from flask import Markup
        >>> Markup("Hello <em>World</em>!")
        Markup('Hello <em>World</em>!')
        >>> class Foo(object):
        ...  def __html__(self):
        ...   return '<a href="#">foo</a>'
        ...
        >>> Markup(Foo())
        Markup('<a href="#">foo</a>')
        >>> Markup.escape("Hello <em>World</em>!")
        Markup('Hello &lt;em&gt;World&lt;/em&gt;!')
        >>> em = Markup("<em>%s</em>")
        >>> em % "foo & bar"
        Markup('<em>foo &amp; bar</em>')
        >>> strong = Markup("<strong>%(text)s</strong>")
        >>> strong % {'text': '<blink>hacker here</blink>'}
        Markup('<strong>&lt;blink&gt;hacker here&lt;/blink&gt;</strong>')
        >>> Markup("<em>Hello</em> ") + "<foo>"
        Markup('<em>Hello</em> &lt;foo&gt;')
        >>> Markup("Main » <em>About</em>").striptags()
        'Main » About'
        >>> Markup("Main » <em>About</em>").unescape()
        'Main » <em>About</em>'
        """
    )


# -- 2.1.7 Message Flashing / 2.1.8 Template Rendering ------------------------------

def test_flash_and_get_flashed_messages_same_list_within_a_request():
    app = flask.Flask("docs_example")
    app.secret_key = "a key long enough for sessions"
    client = app.test_client()

    @app.route("/flash")
    def add():
        flask.flash("one")
        return "x"

    @app.route("/read")
    def read():
        first = flask.get_flashed_messages()
        return json.dumps([first, flask.get_flashed_messages()])

    client.get("/flash")
    assert json.loads(client.get("/read").data) == [["one"], ["one"]]
    assert json.loads(client.get("/read").data) == [[], []]


def test_render_template_and_render_template_string(tmp_path):
    app = flask.Flask("docs_example")
    app.root_path = str(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "t.html").write_text("file {{ x }}")
    with app.test_request_context():
        assert flask.render_template("t.html", x="<1>") == "file &lt;1&gt;"
        assert flask.render_template_string("string {{ x }}", x="<2>") == "string &lt;2&gt;"
