"""URL routing: rules, converters, methods, trailing slashes, endpoints
and URL building."""
import uuid

import pytest
from werkzeug.exceptions import NotFound

import flask


def test_default_converter_passes_the_segment_as_str(app, client):
    @app.route("/user/<username>")
    def show_user(username):
        return f"{type(username).__name__}:{username}"

    assert client.get("/user/ada").data == b"str:ada"


def test_default_converter_refuses_slashes(app, client):
    @app.route("/user/<username>")
    def show_user(username):
        return username

    assert client.get("/user/a/b").status_code == 404


def test_int_converter_passes_an_int(app, client):
    @app.route("/post/<int:post_id>")
    def show_post(post_id):
        return f"{type(post_id).__name__}:{post_id + 1}"

    assert client.get("/post/41").data == b"int:42"


def test_int_converter_refuses_non_digits(app, client):
    @app.route("/post/<int:post_id>")
    def show_post(post_id):
        return str(post_id)

    assert client.get("/post/abc").status_code == 404


def test_float_converter_passes_a_float(app, client):
    @app.route("/price/<float:value>")
    def price(value):
        return repr(value * 2)

    assert client.get("/price/1.25").data == b"2.5"


def test_path_converter_accepts_slashes(app, client):
    @app.route("/wiki/<path:page>")
    def wiki(page):
        return page

    assert client.get("/wiki/a/b/c.txt").data == b"a/b/c.txt"


def test_any_converter_matches_only_its_words(app, client):
    @app.route("/<any(about, help):page>")
    def page(page):
        return page

    assert client.get("/help").data == b"help"
    assert client.get("/other").status_code == 404


def test_uuid_converter_passes_a_uuid(app, client):
    @app.route("/item/<uuid:item_id>")
    def item(item_id):
        return f"{type(item_id).__name__}:{item_id.version}"

    value = uuid.uuid4()
    assert client.get(f"/item/{value}").data == b"UUID:4"


def test_one_view_may_have_several_rules(app, client):
    @app.route("/hello/")
    @app.route("/hello/<name>")
    def hello(name=None):
        return f"Hello {name or 'World'}"

    assert client.get("/hello/").data == b"Hello World"
    assert client.get("/hello/Ada").data == b"Hello Ada"


def test_route_answers_only_get_by_default(app, client):
    @app.route("/")
    def index():
        return "x"

    assert client.post("/").status_code == 405


def test_methods_are_limited_to_those_given(app, client):
    @app.route("/login", methods=["GET", "POST"])
    def login():
        return flask.request.method

    assert client.post("/login").data == b"POST"
    assert client.get("/login").data == b"GET"
    assert client.put("/login").status_code == 405


def test_head_is_added_where_get_is(app, client):
    @app.route("/")
    def index():
        return "the body"

    response = client.head("/")
    assert response.status_code == 200
    assert response.data == b""
    assert response.headers["Content-Length"] == str(len("the body"))


def test_head_is_not_added_without_get(app, client):
    @app.route("/submit", methods=["POST"])
    def submit():
        return "ok"

    assert client.head("/submit").status_code == 405


def test_405_lists_the_allowed_methods(app, client):
    @app.route("/login", methods=["GET", "POST"])
    def login():
        return "x"

    response = client.delete("/login")
    assert response.status_code == 405
    allowed = {m.strip() for m in response.headers["Allow"].split(",")}
    assert allowed == {"GET", "HEAD", "POST"}


def test_rule_with_trailing_slash_redirects_request_without_it(app, client):
    @app.route("/projects/")
    def projects():
        return "projects"

    response = client.get("/projects")
    # Werkzeug 3 uses 308 so that the method and body are kept.
    assert response.status_code == 308
    assert response.headers["Location"].endswith("/projects/")
    assert client.get("/projects", follow_redirects=True).data == b"projects"


def test_rule_without_trailing_slash_gives_404_for_request_with_it(app, client):
    @app.route("/about")
    def about():
        return "about"

    assert client.get("/about/").status_code == 404


def test_strict_slashes_false_answers_without_redirect(app, client):
    @app.route("/projects/", strict_slashes=False)
    def projects():
        return "projects"

    response = client.get("/projects")
    assert response.status_code == 200
    assert response.data == b"projects"


def test_subdomain_is_passed_to_the_rule(app):
    @app.route("/", subdomain="api")
    def api_index():
        return "api"

    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == "api_index")
    assert rule.subdomain == "api"


def test_subdomain_rule_builds_urls_for_its_subdomain(app):
    @app.route("/", subdomain="api")
    def api_index():
        return "api"

    adapter = app.url_map.bind("example.com", subdomain="www")
    assert adapter.build("api_index", force_external=True) == "http://api.example.com/"


def test_endpoint_is_the_view_function_name(app):
    @app.route("/somewhere")
    def my_view():
        return "x"

    assert app.view_functions["my_view"] is my_view
    rule = next(r for r in app.url_map.iter_rules() if r.rule == "/somewhere")
    assert rule.endpoint == "my_view"


def test_add_url_rule_with_view_functions(app, client):
    def index():
        return "by hand"

    app.add_url_rule("/", "index")
    app.view_functions["index"] = index
    assert client.get("/").data == b"by hand"


def test_add_url_rule_passes_options_to_rule(app, client):
    app.add_url_rule("/page/", "page", defaults={"number": 1})
    app.add_url_rule("/page/<int:number>", "page")
    app.view_functions["page"] = lambda number: f"page {number}"
    assert client.get("/page/").data == b"page 1"
    assert client.get("/page/3").data == b"page 3"


def test_duplicate_endpoint_with_another_function_raises(app):
    @app.route("/a")
    def view():
        return "a"

    def another():
        return "b"

    another.__name__ = "view"
    with pytest.raises(ValueError, match="'view'"):
        app.route("/b")(another)
    assert app.view_functions["view"] is view


def test_same_function_may_be_registered_for_two_rules(app, client):
    def view():
        return "same"

    app.route("/one")(view)
    app.route("/two")(view)
    assert client.get("/one").data == client.get("/two").data == b"same"


def test_unknown_url_is_404(client):
    assert client.get("/nothing-here").status_code == 404


def test_match_request_stores_endpoint_and_view_args(app):
    @app.route("/user/<int:user_id>")
    def user(user_id):
        return "x"

    with app.test_request_context("/user/7"):
        assert app.match_request() == ("user", {"user_id": 7})
        assert flask.request.endpoint == "user"
        assert flask.request.view_args == {"user_id": 7}


def test_match_request_stores_the_routing_exception(app):
    with app.test_request_context("/missing"):
        with pytest.raises(NotFound) as info:
            app.match_request()
        assert flask.request.routing_exception is info.value
        assert flask.request.endpoint is None


def test_dispatch_request_returns_the_view_return_value(app):
    @app.route("/")
    def index():
        return ["not", "a", "response"]

    with app.test_request_context("/"):
        assert app.dispatch_request() == ["not", "a", "response"]


def test_websocket_upgrade_request_is_bound_with_the_ws_scheme(app):
    headers = {"Upgrade": "websocket", "Connection": "Upgrade"}
    with app.test_request_context("/", headers=headers):
        assert flask._request_ctx_stack.top.url_adapter.url_scheme == "ws"


def test_host_matching_map_matches_on_the_host(app):
    app.url_map.host_matching = True
    app.add_url_rule("/", "api_index", host="api.example.com")
    app.view_functions["api_index"] = lambda: "api"
    client = app.test_client()
    assert client.get("/", base_url="http://api.example.com").data == b"api"
    assert client.get("/", base_url="http://www.example.com").status_code == 404


def test_a_before_request_function_that_overrides_the_method_does_not_change_the_view(app):
    """The "custom HTTP methods" snippet of 2010: routing was decided when
    the request arrived, so a POST stays a POST for matching."""

    @app.before_request
    def method_override():
        method = flask.request.form.get("_method")
        if method:
            flask.request.environ["REQUEST_METHOD"] = method.upper()

    @app.route("/entries", methods=["DELETE"])
    def delete_entries():
        return "deleted"

    client = app.test_client()
    assert client.post("/entries").status_code == 405
    assert client.post("/entries", data={"_method": "DELETE"}).status_code == 405
    assert client.post("/entries").status_code == 405


def test_a_before_request_function_that_rewrites_the_path_keeps_the_original_view(app):
    @app.before_request
    def rewrite():
        flask.request.environ["PATH_INFO"] = "/other"

    @app.route("/page")
    def page():
        return "page"

    @app.route("/other")
    def other():
        return "other"

    client = app.test_client()
    assert client.get("/page").data == b"page"
    assert client.get("/page").data == b"page"


def test_a_middleware_that_rewrites_the_method_changes_the_view(app):
    """What to do instead: rewrite the environ before the application sees it."""
    inner = app.wsgi_app

    def method_override(environ, start_response):
        if environ.get("HTTP_X_HTTP_METHOD_OVERRIDE") == "DELETE":
            environ["REQUEST_METHOD"] = "DELETE"
        return inner(environ, start_response)

    app.wsgi_app = method_override
    app.route("/entries", methods=["DELETE"])(lambda: "deleted")
    client = app.test_client()
    assert client.post("/entries").status_code == 405
    assert client.post("/entries", headers={"X-HTTP-Method-Override": "DELETE"}).data == b"deleted"
