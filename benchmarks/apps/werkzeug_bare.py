"""The benchmark applications written directly on Werkzeug: a Request, a
Response and a routing Map, as a hand-written minimal application would.
Jinja2 renders the template scenario; the session is a JSON cookie signed
by hand with HMAC-SHA256 (signed_cookie.py, shared with Falcon's
application). Importing this module imports Werkzeug and nothing else
(Jinja2 is imported by the template application)."""
import os

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from .signed_cookie import json_cookie

HERE = os.path.dirname(os.path.abspath(__file__))


def _application(rules, views):
    """A WSGI application dispatching ``rules`` to ``views[endpoint]``,
    each called as ``view(request, **values)``."""
    url_map = Map(rules)

    def app(environ, start_response):
        request = Request(environ)
        adapter = url_map.bind_to_environ(environ)
        try:
            endpoint, values = adapter.match()
            response = views[endpoint](request, **values)
        except HTTPException as e:
            response = e
        return response(environ, start_response)

    return app


def _text(body):
    return Response(body, mimetype="text/html")


def hello_app():
    return _application([Rule("/", endpoint="hello")], {"hello": lambda request: _text("Hello, World!")})


def routes_app(count):
    """An application with ``count`` rules ``/api/v1/resource<i>/<int:item>``."""
    rules, views = [], {}
    for i in range(count):
        rules.append(Rule(f"/api/v1/resource{i}/<int:item>", endpoint=f"resource{i}"))
        views[f"resource{i}"] = lambda request, item, i=i: _text(f"resource {i} item {item}")
    return _application(rules, views)


def args_app():
    def search(request):
        name = request.args.get("name", "")
        page = request.args.get("page", 1, type=int)
        return _text(f"Hello {name}, page {page}")

    return _application([Rule("/search", endpoint="search")], {"search": search})


def form_app(fields):
    def submit(request):
        return _text(",".join(request.form[name] for name in fields))

    return _application([Rule("/form", endpoint="submit", methods=["POST"])], {"submit": submit})


def template_app(items):
    from jinja2 import Environment, FileSystemLoader

    env = Environment(loader=FileSystemLoader(os.path.join(HERE, "templates")), autoescape=True)

    def show_items(request):
        page = env.get_template("items.html").render(title="Items", items=items)
        return _text(page)

    return _application([Rule("/items", endpoint="items")], {"items": show_items})


def template_string_app(items):
    from jinja2 import Environment

    env = Environment(autoescape=True)
    with open(os.path.join(HERE, "templates", "items.html")) as f:
        source = f.read()

    def show_items(request):
        page = env.from_string(source).render(title="Items", items=items)
        return _text(page)

    return _application([Rule("/items", endpoint="items")], {"items": show_items})


def session_app(secret):
    load, dump = json_cookie(secret)

    def counter(request):
        data = load(request.cookies.get("session", ""))
        data["counter"] = data.get("counter", 0) + 1
        response = _text(str(data["counter"]))
        response.set_cookie("session", dump(data), httponly=True, samesite="Lax")
        return response

    return _application([Rule("/counter", endpoint="counter")], {"counter": counter})
