"""User input reaches a page escaped, wherever a template takes it from:
render_template and render_template_string variables, flashed messages,
url_for arguments, HTML attributes, the session, request, g and context
processors. Only a Markup object is inserted as it is."""
import pytest

import flask

#: Input meant to break out of text, of a quoted attribute and of a URL.
PAYLOAD = "<script>alert('x')</script>\" onmouseover=\"steal()\"&"

#: What must never appear in a page built from the payload.
DANGEROUS = ["<script>", "\" onmouseover=", "'x'"]


def assert_escaped(page):
    for piece in DANGEROUS:
        assert piece not in page, f"{piece!r} reached the page unescaped: {page!r}"
    assert "&lt;script&gt;" in page or "%3Cscript%3E" in page, page


@pytest.fixture
def template_app(app, tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "show.html").write_text(
        '<p title="{{ value }}">{{ value }}</p>'
    )
    (tmp_path / "templates" / "show.txt").write_text("{{ value }}")
    app.secret_key = "templates test key"
    return app


def test_render_template_variables_are_escaped(template_app):
    @template_app.route("/")
    def index():
        return flask.render_template("show.html", value=flask.request.args["v"])

    response = template_app.test_client().get("/", query_string={"v": PAYLOAD})
    assert response.status_code == 200
    assert_escaped(response.get_data(as_text=True))


def test_every_documented_place_escapes_user_input(template_app, figure):
    """One view per place a template gets a value from; each is fed the
    payload from the query string."""
    app = template_app
    places = {
        "render_template": lambda v: flask.render_template("show.html", value=v),
        "render_template on a .txt template": lambda v: flask.render_template("show.txt", value=v),
        "render_template_string": lambda v: flask.render_template_string("{{ value }}", value=v),
        "attribute": lambda v: flask.render_template_string('<a title="{{ value }}">', value=v),
        "request in the template": lambda v: flask.render_template_string("{{ request.args.v }}"),
        "session in the template": lambda v: (
            flask.session.__setitem__("v", v),
            flask.render_template_string("{{ session.v }}"),
        )[1],
        "g in the template": lambda v: (
            setattr(flask.g, "v", v),
            flask.render_template_string("{{ g.v }}"),
        )[1],
        "url_for path argument": lambda v: flask.render_template_string(
            "<a href=\"{{ url_for('echo', name=value) }}\">", value=v
        ),
        "url_for query argument": lambda v: flask.render_template_string(
            "<a href=\"{{ url_for('echo', name='n', q=value) }}\">", value=v
        ),
        "a dict item": lambda v: flask.render_template_string("{{ d['k'] }}", d={"k": v}),
        "a filter's output": lambda v: flask.render_template_string(
            "{{ value|upper|lower }}", value=v
        ),
        "a string concatenation": lambda v: flask.render_template_string(
            "{{ 'a' ~ value }}", value=v
        ),
    }

    @app.route("/echo/<name>")
    def echo(name):
        return "echo"

    @app.context_processor
    def processor():
        return {"processed": flask.request.args.get("v", "")}

    places["context processor"] = lambda v: flask.render_template_string("{{ processed }}")
    for number, (place, render) in enumerate(places.items()):
        app.view_functions[f"place{number}"] = lambda render=render: render(flask.request.args["v"])
        app.add_url_rule(f"/place{number}", f"place{number}")

    client = app.test_client()
    for number, place in enumerate(places):
        response = client.get(f"/place{number}", query_string={"v": PAYLOAD})
        assert response.status_code == 200, place
        page = response.get_data(as_text=True)
        for piece in DANGEROUS:
            assert piece not in page, f"{place}: {piece!r} reached the page unescaped: {page!r}"
    figure(f"{len(places)} template places, all escape user input")


def test_flashed_messages_are_escaped(template_app):
    app = template_app

    @app.route("/flash")
    def flash_it():
        flask.flash(flask.request.args["v"])
        return "flashed"

    @app.route("/show")
    def show():
        return flask.render_template_string(
            "{% for m in get_flashed_messages() %}<li>{{ m }}</li>{% endfor %}"
        )

    client = app.test_client()
    client.get("/flash", query_string={"v": PAYLOAD})
    page = client.get("/show").get_data(as_text=True)
    assert_escaped(page)


def test_markup_is_the_only_way_through(template_app):
    """The same text as Markup is inserted unchanged, in a variable, a
    flashed message and the session; as a plain string it is escaped."""
    app = template_app

    @app.route("/flash")
    def flash_it():
        flask.flash(flask.Markup("<b>trusted</b>"))
        flask.flash("<b>untrusted</b>")
        flask.session["m"] = flask.Markup("<i>kept</i>")
        return "flashed"

    @app.route("/show")
    def show():
        return flask.render_template_string(
            "{% for m in get_flashed_messages() %}{{ m }};{% endfor %}{{ session.m }}"
            "{{ trusted }}{{ plain }}",
            trusted=flask.Markup("<u>ok</u>"),
            plain="<u>no</u>",
        )

    client = app.test_client()
    client.get("/flash")
    page = client.get("/show").get_data(as_text=True)
    assert page == (
        "<b>trusted</b>;&lt;b&gt;untrusted&lt;/b&gt;;<i>kept</i><u>ok</u>&lt;u&gt;no&lt;/u&gt;"
    )


def test_escape_of_markup_leaves_it_alone_and_escapes_strings():
    assert flask.escape(flask.Markup("<b>")) == "<b>"
    assert flask.escape("<b>") == "&lt;b&gt;"
