"""Building URLs with url_for: quoting, query arguments and the
application's mount point."""
import pytest
from werkzeug.routing import BuildError

import flask


@pytest.fixture
def app(app):
    @app.route("/")
    def index():
        return flask.url_for("profile", username="John Doe")

    @app.route("/user/<username>")
    def profile(username):
        return username

    @app.route("/post/<int:post_id>")
    def show_post(post_id):
        return str(post_id)

    return app


def test_url_for_builds_a_plain_rule(app):
    with app.test_request_context():
        assert flask.url_for("index") == "/"


def test_url_for_quotes_variable_parts(app):
    with app.test_request_context():
        assert flask.url_for("profile", username="John Doe") == "/user/John%20Doe"
        assert flask.url_for("profile", username="a?b#c%") == "/user/a%3Fb%23c%25"


def test_url_for_quotes_unicode(app):
    with app.test_request_context():
        assert flask.url_for("profile", username="Jürgen") == "/user/J%C3%BCrgen"


def test_url_for_uses_the_converter(app):
    with app.test_request_context():
        assert flask.url_for("show_post", post_id=42) == "/post/42"


def test_url_for_adds_unknown_values_as_query_args(app):
    with app.test_request_context():
        assert flask.url_for("index", q="a b", page=2) == "/?q=a+b&page=2"


def test_url_for_prefixes_script_name(app):
    with app.test_request_context("/", base_url="http://example.com/myapp"):
        assert flask.url_for("profile", username="ada") == "/myapp/user/ada"


def test_url_for_with_script_name_in_a_real_request(client):
    response = client.get("/", base_url="http://localhost/mounted")
    assert response.data == b"/mounted/user/John%20Doe"


def test_url_for_unknown_endpoint_raises_build_error(app):
    with app.test_request_context():
        with pytest.raises(BuildError):
            flask.url_for("no_such_view")


def test_url_for_missing_value_raises_build_error(app):
    with app.test_request_context():
        with pytest.raises(BuildError):
            flask.url_for("profile")


def test_redirect_to_url_for(app, client):
    @app.route("/go")
    def go():
        return flask.redirect(flask.url_for("profile", username="ada"))

    response = client.get("/go")
    assert response.status_code == 302
    assert response.headers["Location"] == "/user/ada"
