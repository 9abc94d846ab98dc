"""The benchmark applications written for Bottle 0.13, the way its
documentation writes them. Importing this module imports the framework
and nothing else."""
import os

import bottle
from bottle import Bottle, request, response, template

# Templates (SimpleTemplate files) live in views/ beside this module.
VIEWS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "views")
bottle.TEMPLATE_PATH.insert(0, VIEWS)


def hello_app():
    app = Bottle()

    @app.route("/")
    def hello():
        return "Hello, World!"

    return app


def routes_app(count):
    """An application with ``count`` rules ``/api/v1/resource<i>/<item:int>``."""
    app = Bottle()
    for i in range(count):
        def show(item, i=i):
            return f"resource {i} item {item}"

        app.route(f"/api/v1/resource{i}/<item:int>", callback=show)
    return app


def args_app():
    app = Bottle()

    @app.route("/search")
    def search():
        name = request.query.getunicode("name", "")
        page = int(request.query.get("page", 1))
        return f"Hello {name}, page {page}"

    return app


def form_app(fields):
    app = Bottle()

    @app.post("/form")
    def submit():
        return ",".join(request.forms.getunicode(name) for name in fields)

    return app


def template_app(items):
    app = Bottle()

    @app.route("/items")
    def show_items():
        return template("items", title="Items", items=items)

    return app


def template_string_app(items):
    # template() takes a string with a newline in it as the source itself.
    with open(os.path.join(VIEWS, "items.tpl")) as f:
        source = f.read()
    app = Bottle()

    @app.route("/items")
    def show_items():
        return template(source, title="Items", items=items)

    return app


def session_app(secret):
    # Bottle has no sessions; its signed cookies are the idiomatic stand-in.
    app = Bottle()

    @app.route("/counter")
    def counter():
        data = request.get_cookie("session", secret=secret) or {}
        data["counter"] = data.get("counter", 0) + 1
        response.set_cookie(
            "session", data, secret=secret, httponly=True, samesite="lax"
        )
        return str(data["counter"])

    return app
