"""The requests of the benchmark and what a correct response to each looks
like. Standard library only: the worker of every framework imports it.

A scenario names the application to build (a function of the framework's
module in ``apps/``, with its arguments), the request to send (a WSGI
environ prepared once and copied for every call), and a check of the
response, made once before any timing.
"""
import io
import sys

SECRET = "benchmark-secret-key-0123456789abcdef"
ITEMS = [f"<item {i} & 'friends'>" for i in range(20)]
FORM_FIELDS = ["name", "email", "age", "city", "note"]
FORM_BODY = b"name=J%C3%BCrgen+Smith&email=j%40example.com&age=42&city=K%C3%B6ln&note=hi+there"
ROUTING_RULES = 100


class Scenario:
    def __init__(self, name, builder, args, path, *, method="GET", query="", body=b"",
                 content_type=None, status="200", expect=(), session=False):
        self.name = name
        self.builder = builder  # name of the function in apps/<framework>.py
        self.args = args
        self.path = path
        self.method = method
        self.query = query
        self.body = body
        self.content_type = content_type
        self.status = status  # the expected status code, as a string
        self.expect = expect  # strings the body must contain
        self.session = session  # needs a valid signed cookie, re-signed


def routing(count):
    """The routing scenario with ``count`` rules: the request matches a
    variable rule three from the end."""
    hit = count - 3
    return Scenario(
        "routing" if count == ROUTING_RULES else f"routes{count}", "routes_app", (count,),
        f"/api/v1/resource{hit}/42", expect=[f"resource {hit} item 42"],
    )


#: The seven scenarios of the main table, in their order there.
SCENARIOS = [
    Scenario("hello", "hello_app", (), "/", expect=["Hello, World!"]),
    routing(ROUTING_RULES),
    Scenario("args", "args_app", (), "/search", query="name=World&page=3",
             expect=["Hello World, page 3"]),
    Scenario("form", "form_app", (FORM_FIELDS,), "/form", method="POST", body=FORM_BODY,
             content_type="application/x-www-form-urlencoded",
             expect=["Jürgen Smith,j@example.com,42,Köln,hi there"]),
    Scenario("template", "template_app", (ITEMS,), "/items",
             expect=["<title>Items</title>", "&lt;item 19 &amp; "]),
    Scenario("session", "session_app", (SECRET,), "/counter", expect=["2"], session=True),
    Scenario("notfound", "hello_app", (), "/no/such/page", status="404"),
]

#: Scenarios reported on their own, outside the geometric mean: the
#: template scenario's page rendered from a template given as a string.
EXTRAS = [
    Scenario("render_template_string", "template_string_app", (ITEMS,), "/items",
             expect=["<title>Items</title>", "&lt;item 19 &amp; "]),
]

#: The two applications that show how the cost of a request grows with
#: the number of routes.
ROUTE_SCALING = [routing(10), routing(1000)]


def make_environ(scenario, cookie=None):
    """The WSGI environ of the scenario's request, without ``wsgi.input``
    (each call gets a fresh stream of the body)."""
    environ = {
        "REQUEST_METHOD": scenario.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": scenario.path,
        "QUERY_STRING": scenario.query,
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "localhost",
        "HTTP_USER_AGENT": "bench/1.0",
        "HTTP_ACCEPT": "text/html,*/*;q=0.8",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    if scenario.body:
        environ["CONTENT_LENGTH"] = str(len(scenario.body))
    if scenario.content_type:
        environ["CONTENT_TYPE"] = scenario.content_type
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    return environ


def call(app, environ, body):
    """Make one request: call the application with a copy of the environ,
    read the whole body and close it. Return status, headers and body."""
    captured = []

    def start_response(status, headers, exc_info=None):
        captured[:] = [status, headers]
        return lambda data: None

    environ = dict(environ)
    environ["wsgi.input"] = io.BytesIO(body)
    result = app(environ, start_response)
    try:
        data = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return captured[0], captured[1], data


def session_cookie(headers):
    """The ``name=value`` part of the response's session cookie, or None."""
    for name, value in headers:
        if name.lower() == "set-cookie" and value.startswith("session="):
            return value.split(";", 1)[0]
    return None


def check(scenario, status, headers, data):
    """Return a list of what is wrong with a response (empty if nothing)."""
    problems = []
    if not status.startswith(scenario.status):
        problems.append(f"status {status!r}, expected {scenario.status}")
    text = data.decode("utf-8", "replace")
    for expected in scenario.expect:
        if expected not in text:
            problems.append(f"body lacks {expected!r}: {text[:200]!r}")
    if scenario.builder.startswith("template") and text.count("<li>") != len(ITEMS):
        problems.append(f"expected {len(ITEMS)} items in {text[:200]!r}")
    if scenario.session and session_cookie(headers) is None:
        problems.append("no session cookie was set")
    return problems
