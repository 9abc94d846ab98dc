"""Templates: the Jinja2 environment, autoescaping, the template context
and context processors."""
import os
import subprocess
import sys
import textwrap
import time

import jinja2
import pytest

import flask


@pytest.fixture
def templates(tmp_path):
    """Write templates into the app fixture's templates folder."""
    folder = tmp_path / "templates"
    folder.mkdir()

    def write(name, source):
        (folder / name).write_text(source, encoding="utf-8")

    return write


def test_render_template_uses_the_templates_folder(app, client, templates):
    templates("hello.html", "Hello {{ name }}!")

    @app.route("/<name>")
    def hello(name):
        return flask.render_template("hello.html", name=name)

    assert client.get("/Ada").data == b"Hello Ada!"


def test_render_template_autoescapes(app, templates):
    templates("page.html", "{{ value }}")
    with app.test_request_context():
        assert flask.render_template("page.html", value="<script>") == "&lt;script&gt;"


def test_render_template_string_autoescapes(app):
    with app.test_request_context():
        result = flask.render_template_string("{{ value }}", value="<b>&</b>")
        assert result == "&lt;b&gt;&amp;&lt;/b&gt;"


def test_markup_is_not_escaped_again(app):
    with app.test_request_context():
        result = flask.render_template_string("{{ value }}", value=flask.Markup("<b>ok</b>"))
        assert result == "<b>ok</b>"


def test_safe_filter_disables_escaping(app):
    with app.test_request_context():
        assert flask.render_template_string("{{ v|safe }}", v="<i>x</i>") == "<i>x</i>"


def test_missing_template_raises_template_not_found(app):
    with app.test_request_context():
        with pytest.raises(jinja2.TemplateNotFound):
            flask.render_template("absent.html")


def test_jinja_env_is_built_once(app):
    assert app.jinja_env is app.jinja_env


def test_jinja_options_are_passed_to_the_environment(app):
    class MyApp(flask.Flask):
        jinja_options = dict(flask.Flask.jinja_options, trim_blocks=True)

    my_app = MyApp(__name__)
    assert my_app.jinja_env.trim_blocks is True
    assert my_app.jinja_env.autoescape is True
    assert app.jinja_env.trim_blocks is False


def test_jinja_options_can_disable_autoescape():
    class RawApp(flask.Flask):
        jinja_options = {"autoescape": False}

    raw_app = RawApp(__name__)
    with raw_app.test_request_context():
        assert flask.render_template_string("{{ v }}", v="<b>") == "<b>"


def test_create_jinja_loader_can_be_overridden():
    class DictApp(flask.Flask):
        def create_jinja_loader(self):
            return jinja2.DictLoader({"mem.html": "from memory: {{ x }}"})

    dict_app = DictApp(__name__)
    with dict_app.test_request_context():
        assert flask.render_template("mem.html", x="<>") == "from memory: &lt;&gt;"


def test_default_loader_looks_in_root_path_templates(app, tmp_path):
    loader = app.create_jinja_loader()
    assert isinstance(loader, jinja2.FileSystemLoader)
    assert loader.searchpath == [str(tmp_path / "templates")]


def test_template_sees_request(app, client):
    @app.route("/page")
    def page():
        return flask.render_template_string("{{ request.path }} {{ request.args.q }}")

    assert client.get("/page?q=x").data == b"/page x"


def test_template_sees_session(app, client):
    app.secret_key = "a key long enough for sessions"

    @app.route("/page")
    def page():
        flask.session["user"] = "ada"
        return flask.render_template_string("{{ session.user }}")

    assert client.get("/page").data == b"ada"


def test_template_sees_g(app, client):
    @app.route("/page")
    def page():
        flask.g.user = "bob"
        return flask.render_template_string("{{ g.user }}")

    assert client.get("/page").data == b"bob"


def test_template_sees_url_for(app, client):
    @app.route("/user/<name>")
    def profile(name):
        return flask.render_template_string("{{ url_for('profile', name='x y') }}")

    assert client.get("/user/a").data == b"/user/x%20y"


def test_template_sees_get_flashed_messages(app, client):
    app.secret_key = "a key long enough for sessions"

    @app.route("/page")
    def page():
        flask.flash("saved")
        return flask.render_template_string("{{ get_flashed_messages() }}")

    assert client.get("/page").data == b"[&#39;saved&#39;]"


def test_context_processor_adds_variables(app):
    @app.context_processor
    def add_user():
        return {"user": "ada"}

    with app.test_request_context():
        assert flask.render_template_string("{{ user }}") == "ada"


def test_context_processors_are_in_template_context_processors(app):
    def processor():
        return {}

    assert app.context_processor(processor) is processor
    assert app.template_context_processors[1:] == [processor]


def test_explicit_arguments_win_over_context_processors(app):
    @app.context_processor
    def add_user():
        return {"user": "from processor"}

    with app.test_request_context():
        assert flask.render_template_string("{{ user }}", user="explicit") == "explicit"


def test_explicit_arguments_win_over_request(app):
    with app.test_request_context("/real"):
        assert flask.render_template_string("{{ request }}", request="mine") == "mine"


def test_update_template_context_fills_a_dict_in_place(app):
    with app.test_request_context("/x"):
        context = {"mine": 1}
        assert app.update_template_context(context) is None
        assert context["mine"] == 1
        assert context["request"] is flask.request
        assert context["session"] is flask.session
        assert context["g"] is flask.g._get_current_object()


def test_a_template_that_never_uses_the_session_does_not_open_it():
    opened = []

    class CountingFlask(flask.Flask):
        def open_session(self, request):
            opened.append(request.path)
            return super().open_session(request)

    counting = CountingFlask(__name__)
    counting.secret_key = "a test key that is long enough"

    @counting.route("/plain")
    def plain():
        return flask.render_template_string("{{ request.path }}")

    @counting.route("/uses")
    def uses():
        return flask.render_template_string("{{ session.get('n', 0) }}")

    c = counting.test_client()
    for path, body, seen in [("/plain", b"/plain", []), ("/uses", b"0", ["/uses"])]:
        response = c.get(path)
        assert response.data == body
        response.close()
        assert opened == seen


def test_render_template_outside_a_request_raises():
    with pytest.raises(RuntimeError, match="request context"):
        flask.render_template_string("x")


def test_app_run_as_a_script_finds_templates_beside_it(tmp_path):
    app_dir = tmp_path / "scriptapp"
    (app_dir / "templates").mkdir(parents=True)
    (app_dir / "templates" / "hello.html").write_text("Hello {{ name }} from a script")
    (app_dir / "hello.py").write_text(textwrap.dedent(
        """
        from flask import Flask, render_template
        app = Flask(__name__)

        @app.route('/')
        def index():
            return render_template('hello.html', name='<World>')

        if __name__ == '__main__':
            print(app.test_client().get('/').get_data(as_text=True))
        """
    ))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run(
        [sys.executable, str(app_dir / "hello.py")],
        cwd=elsewhere, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Hello &lt;World&gt; from a script"


def test_template_context_processors_start_with_the_default_processor(app):
    assert len(app.template_context_processors) == 1
    with app.test_request_context("/here"):
        context = app.template_context_processors[0]()
        assert context["request"].path == "/here"
        assert set(context) == {"request", "session", "g"}


def test_removing_the_default_processor_removes_request_from_templates(app, client):
    app.template_context_processors.clear()

    @app.route("/")
    def index():
        return flask.render_template_string("[{{ request }}]")

    assert client.get("/").data == b"[]"


def test_render_template_string_compiles_a_source_once(app, monkeypatch):
    compiled = []
    original = app.jinja_env.from_string
    monkeypatch.setattr(app.jinja_env, "from_string", lambda source: compiled.append(source) or original(source))
    with app.test_request_context():
        first = flask.render_template_string("{{ n }} cached", n=1)
        second = flask.render_template_string("{{ n }} cached", n=2)
    assert (first, second) == ("1 cached", "2 cached")
    assert compiled == ["{{ n }} cached"]


def test_render_template_string_compiles_per_application(app):
    other = flask.Flask(__name__)
    other.jinja_env.globals["where"] = "other"
    app.jinja_env.globals["where"] = "app"
    for application, expected in ((app, "app"), (other, "other"), (app, "app")):
        with application.test_request_context():
            assert flask.render_template_string("{{ where }}") == expected


def _render_twice_with_a_change_between(app, client, templates):
    templates("page.html", "first")

    @app.route("/")
    def page():
        return flask.render_template("page.html")

    before = client.get("/").data
    # A new mtime for certain, whatever the file system's resolution.
    templates("page.html", "second")
    path = app.root_path + "/templates/page.html"
    os.utime(path, (time.time() + 10, time.time() + 10))
    return before, client.get("/").data


def test_a_changed_template_is_not_reloaded_outside_debug_mode(app, client, templates):
    assert _render_twice_with_a_change_between(app, client, templates) == (b"first", b"first")


def test_a_changed_template_is_reloaded_in_debug_mode(app, client, templates):
    app.debug = True
    assert _render_twice_with_a_change_between(app, client, templates) == (b"first", b"second")


def test_jinja_options_may_turn_template_reloading_on(app, client, templates):
    app.jinja_options = dict(flask.Flask.jinja_options, auto_reload=True)
    assert _render_twice_with_a_change_between(app, client, templates) == (b"first", b"second")


def test_run_in_debug_mode_turns_reloading_on_for_an_environment_made_before(
    app, monkeypatch, templates
):
    import werkzeug.serving

    monkeypatch.setattr(werkzeug.serving, "run_simple", lambda *args, **kwargs: None)
    assert app.jinja_env.auto_reload is False
    app.run(debug=True)
    assert app.jinja_env.auto_reload is True


@pytest.mark.slow  # compiles and measures thousands of templates: seconds
def test_render_template_string_keeps_a_bounded_size_of_compiled_sources(app):
    """Sixty distinct sources of a megabyte each: what stays compiled
    holds far less than they would."""
    import gc
    import tracemalloc

    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        with app.test_request_context():
            for n in range(60):
                # Words and spaces, as a page has: compile() interns a
                # string constant made of name characters only, and
                # Python 3.12 never frees an interned string, so a source
                # of one long word would stay in memory whatever the
                # cache dropped.
                source = f"{n} " + "word " * 2**18
                assert flask.render_template_string(source).startswith(str(n))
        gc.collect()  # compiled templates hold reference cycles
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 16 * 2**20


def test_a_deleted_application_and_its_jinja_environment_are_collected(tmp_path):
    import gc
    import weakref

    app = flask.Flask(__name__)
    app.root_path = str(tmp_path)
    with app.test_request_context():
        assert flask.render_template_string("{{ 1 + 1 }}") == "2"
    app_ref, env_ref = weakref.ref(app), weakref.ref(app.jinja_env)
    del app
    gc.collect()
    assert app_ref() is None and env_ref() is None


def test_render_template_string_follows_a_new_jinja_environment(app):
    with app.test_request_context():
        assert flask.render_template_string("{{ greeting|default('none') }}") == "none"
        del app.jinja_env  # made again on next use
        app.jinja_env.globals["greeting"] = "hello"
        assert flask.render_template_string("{{ greeting|default('none') }}") == "hello"


def test_render_template_string_renders_each_of_many_sources_right(app):
    """More sources than the cache keeps: each still renders its own text,
    the first ones again after they were dropped."""
    sources = [f"{n} {{{{ n }}}} " + "word " * 1000 for n in range(150)]
    with app.test_request_context():
        for _ in range(2):
            for n, source in enumerate(sources):
                assert flask.render_template_string(source, n=n).startswith(f"{n} {n} ")
