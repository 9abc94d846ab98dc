"""The benchmark applications written for this repository's flask.py,
the way its documentation writes them. flask31.py runs this same code on
Flask 3.1.

Importing this module imports the framework and nothing else, so that the
start-up probe times exactly the framework's import plus
:func:`hello_app`.
"""
import os

from flask import Flask, render_template, render_template_string, request, session

TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")


def hello_app():
    app = Flask(__name__)

    @app.route("/")
    def hello():
        return "Hello, World!"

    return app


def routes_app(count):
    """An application with ``count`` rules ``/api/v1/resource<i>/<int:item>``."""
    app = Flask(__name__)
    for i in range(count):
        def show(item, i=i):
            return f"resource {i} item {item}"

        app.add_url_rule(f"/api/v1/resource{i}/<int:item>", f"resource{i}")
        app.view_functions[f"resource{i}"] = show
    return app


def args_app():
    app = Flask(__name__)

    @app.route("/search")
    def search():
        name = request.args.get("name", "")
        page = request.args.get("page", 1, type=int)
        return f"Hello {name}, page {page}"

    return app


def form_app(fields):
    app = Flask(__name__)

    @app.route("/form", methods=["POST"])
    def submit():
        return ",".join(request.form[name] for name in fields)

    return app


def template_app(items):
    app = Flask(__name__)

    @app.route("/items")
    def show_items():
        return render_template("items.html", title="Items", items=items)

    return app


def template_string_app(items):
    with open(os.path.join(TEMPLATES, "items.html")) as f:
        source = f.read()
    app = Flask(__name__)

    @app.route("/items")
    def show_items():
        return render_template_string(source, title="Items", items=items)

    return app


def session_app(secret):
    app = Flask(__name__)
    app.secret_key = secret

    @app.route("/counter")
    def counter():
        session["counter"] = session.get("counter", 0) + 1
        return str(session["counter"])

    return app
