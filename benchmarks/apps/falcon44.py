"""The benchmark applications written for Falcon 4.4, the way its
documentation writes them: a ``falcon.App`` with one resource instance per
route, whose ``on_get``/``on_post`` responders read the request through
``req.get_param`` (the query string) and ``req.get_media()`` (an urlencoded
form, parsed to a dict by Falcon's default form handler) and set
``resp.text``. Unmatched paths get Falcon's own 404.

Falcon has neither templates nor sessions. Jinja2 renders the template
scenarios, as in the bare Werkzeug application, with the template compiled
once when the application is built; the session is the JSON cookie signed
by hand with HMAC-SHA256 that the bare Werkzeug application uses
(signed_cookie.py). Every page is served as HTML, like the other
frameworks' (Falcon's default media type is JSON).

Importing this module imports Falcon and nothing else (Jinja2 is imported
by the template applications).
"""
import os

import falcon

from .signed_cookie import json_cookie

TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")


class HelloResource:
    def on_get(self, req, resp):
        resp.content_type = falcon.MEDIA_HTML
        resp.text = "Hello, World!"


def hello_app():
    app = falcon.App()
    app.add_route("/", HelloResource())
    return app


class ItemResource:
    """One of the routing scenario's resources: ``/api/v1/resource<i>/{item}``."""

    def __init__(self, number):
        self.number = number

    def on_get(self, req, resp, item):
        resp.content_type = falcon.MEDIA_HTML
        resp.text = f"resource {self.number} item {item}"


def routes_app(count):
    """An application with ``count`` routes ``/api/v1/resource<i>/{item:int}``."""
    app = falcon.App()
    for i in range(count):
        app.add_route(f"/api/v1/resource{i}/{{item:int}}", ItemResource(i))
    return app


class SearchResource:
    def on_get(self, req, resp):
        name = req.get_param("name", default="")
        page = req.get_param_as_int("page", default=1)
        resp.content_type = falcon.MEDIA_HTML
        resp.text = f"Hello {name}, page {page}"


def args_app():
    app = falcon.App()
    app.add_route("/search", SearchResource())
    return app


class FormResource:
    def __init__(self, fields):
        self.fields = fields

    def on_post(self, req, resp):
        form = req.get_media()
        resp.content_type = falcon.MEDIA_HTML
        resp.text = ",".join(form[name] for name in self.fields)


def form_app(fields):
    app = falcon.App()
    app.add_route("/form", FormResource(fields))
    return app


class ItemsResource:
    """The items page from a Jinja2 template compiled once."""

    def __init__(self, template, items):
        self.template = template
        self.items = items

    def on_get(self, req, resp):
        resp.content_type = falcon.MEDIA_HTML
        resp.text = self.template.render(title="Items", items=self.items)


def template_app(items):
    from jinja2 import Environment, FileSystemLoader

    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
    app = falcon.App()
    app.add_route("/items", ItemsResource(env.get_template("items.html"), items))
    return app


class ItemsFromSourceResource:
    """The items page from the template's text, compiled on every request,
    as the bare Werkzeug application does."""

    def __init__(self, env, source, items):
        self.env = env
        self.source = source
        self.items = items

    def on_get(self, req, resp):
        resp.content_type = falcon.MEDIA_HTML
        resp.text = self.env.from_string(self.source).render(title="Items", items=self.items)


def template_string_app(items):
    from jinja2 import Environment

    with open(os.path.join(TEMPLATES, "items.html")) as f:
        source = f.read()
    app = falcon.App()
    app.add_route("/items", ItemsFromSourceResource(Environment(autoescape=True), source, items))
    return app


class CounterResource:
    def __init__(self, secret):
        self.load, self.dump = json_cookie(secret)

    def on_get(self, req, resp):
        data = self.load(req.cookies.get("session", ""))
        data["counter"] = data.get("counter", 0) + 1
        resp.content_type = falcon.MEDIA_HTML
        resp.text = str(data["counter"])
        # The cookie the other frameworks set: for the whole site, HttpOnly
        # (Falcon's default), SameSite=Lax, and without Falcon's default
        # Secure flag, since the benchmark's requests are plain HTTP.
        resp.set_cookie("session", self.dump(data), path="/", secure=False, same_site="Lax")


def session_app(secret):
    app = falcon.App()
    app.add_route("/counter", CounterResource(secret))
    return app
