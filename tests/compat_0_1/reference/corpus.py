"""The corpus of the differential test: for each application of apps/,
the files it needs beside it (templates, static files) and the requests
sent to it, in order.

A request is built here once, as the environ a WSGI server would make
from the request line and headers; the same dict goes to Flask 0.1 and
to flask.py (see runner.py).
"""
import base64
from urllib.parse import unquote_to_bytes

#: The static files every application gets (the same bytes on both sides).
STATIC_FILES = {
    "static/style.css": b"body { color: #333; }\n",
    "static/img/logo.png": bytes(range(256)) * 4,
    "static/caf\u00e9.txt": "caf\u00e9 on disk\n".encode("utf-8"),
    "static/from-hook": b"a static file named like a hooked path\n",
}


def request(method, target, headers=None, body=b"", client=None, content_type=None,
            script_name="", expect=()):
    """The request of one line of the corpus. ``target`` is the request
    target as sent on the wire (percent-escapes as the client wrote them,
    or raw non-ASCII text, sent as UTF-8); the server's unquoting of the
    path happens here. ``client`` names the cookie jar the request uses
    (see runner.py). ``expect`` names the rules of test_reference.py that
    explain how flask.py's answer to this request differs from 0.1's; a
    rule that needs to know the request applies to the requests that
    name it and to no other."""
    path, _, query = target.partition("?")
    raw_path = unquote_to_bytes(path.encode("utf-8"))
    environ = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": script_name,
        "PATH_INFO": raw_path.decode("latin-1"),
        "QUERY_STRING": query.encode("utf-8").decode("latin-1"),
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "localhost",
    }
    if content_type is not None:
        environ["CONTENT_TYPE"] = content_type
    if body:
        environ["CONTENT_LENGTH"] = str(len(body))
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    return {
        "environ": environ,
        "body": base64.b64encode(body).decode("ascii"),
        "client": client,
        "expect": [expect] if isinstance(expect, str) else list(expect),
        "label": f"{method} {script_name}{target}",
    }


def get(target, **options):
    return request("GET", target, **options)


def head(target, **options):
    return request("HEAD", target, **options)


def post(target, form=None, **options):
    """A POST; ``form`` is a urlencoded body given as a str."""
    if form is not None:
        options.setdefault("content_type", "application/x-www-form-urlencoded")
        options["body"] = form.encode("utf-8")
    return request("POST", target, **options)


def multipart(target, fields, files, boundary="----corpusboundary"):
    """A multipart/form-data POST with text fields and (name, filename,
    bytes) files."""
    parts = []
    for name, value in fields:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     .encode() + value.encode("utf-8") + b"\r\n")
    for name, filename, content in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{filename}"\r\nContent-Type: text/plain\r\n\r\n'.encode()
                     + content + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return request("POST", target, body=body,
                   content_type=f"multipart/form-data; boundary={boundary}")


ROUTING = [
    get("/"),
    head("/"),
    get("/user/john"),
    get("/user/John%20Doe"),
    get("/user/"),
    get("/user/a/b"),
    get("/post/42"),
    get("/post/0042"),
    get("/post/-1"),
    get("/post/abc"),
    get("/price/1.5"),
    get("/price/2"),
    get("/files/a/b/c.txt"),
    get("/files/"),
    get("/code/abc"),
    get("/code/abcd"),
    get("/year/2010"),
    get("/year/10"),
    get("/page/5"),
    get("/page/10"),
    get("/lang/fr"),
    get("/lang/de"),
    get("/pair/x/7"),
    get("/slash/"),
    get("/slash"),
    get("/slash?a=1&b=2", expect="slash-redirect-query"),
    head("/slash"),
    head("/user/"),
    head("/put-only"),
    post("/slash", form="k=v", expect="slash-post-404"),
    get("/noslash"),
    get("/noslash/"),
    get("/form"),
    post("/form", form="a=1"),
    request("PUT", "/form"),
    request("DELETE", "/form"),
    request("PUT", "/put-only"),
    get("/put-only"),
    request("DELETE", "/remove"),
    post("/remove"),
    get("/remove"),
    request("OPTIONS", "/form"),
    get("/list/"),
    get("/list/3"),
    get("/list/1"),
    get("/endpoint-info/thing"),
    get("/nothing-here"),
    get("//user/john"),
    get("/user/john/"),
    get("/post/42?page=2"),
]

URLS = [
    get("/urls"),
    get("/urls", script_name="/prefix"),
    get("/query"),
    get("/missing-value"),
    get("/unknown-endpoint"),
    get("/root-info"),
    get("/root-info", script_name="/app"),
    get("/user/john"),
    get("/archive/"),
    get("/archive/2010"),
    get("/docs/guide/install.html"),
]

REQUEST = [
    get("/info"),
    get("/info?x=y"),
    get("/info", script_name="/myapplication"),
    get("/info/page.html?x=y", script_name="/myapplication"),
    post("/info", form="a=1"),
    request("PUT", "/info"),
    request("DELETE", "/info"),
    get("/info?q=%C3%A9", expect="iri-url"),
    get("/info/caf%C3%A9", expect="iri-url"),
    get("/info?a=b%20c&d=%2F", expect="iri-url"),
    get("/args?a=1&a=2&b=3"),
    get("/args?a="),
    get("/args?a"),
    get("/args?a=x+y&c=%26"),
    get("/args"),
    get("/args?a=%E2%9C%93"),
    get("/args?bad=%FF%FEok", expect="undecodable-query"),
    get("/args?a=1;b=2"),
    post("/form", form="name=value&list=1&list=2"),
    post("/form?q=1", form="name=value"),
    post("/form", form="a=%C3%A9&b=x+y"),
    request("PUT", "/form", body=b"k=v", content_type="application/x-www-form-urlencoded"),
    request("DELETE", "/form", body=b"k=v", content_type="application/x-www-form-urlencoded",
            expect="form-every-method"),
    post("/form", body=b"k=v", content_type="text/plain"),
    post("/form", body=b'{"k": "v"}', content_type="application/json"),
    get("/form?x=1"),
    get("/cookies", headers={"Cookie": "a=1; b=two"}),
    get("/cookies", headers={"Cookie": 'quoted="a value"'}),
    get("/cookies"),
    get("/headers", headers={"User-Agent": "corpus/1.0", "X-Custom": "custom value",
                             "Accept": "text/html"}),
    get("/headers"),
    multipart("/upload", [("title", "A file")], [("file", "notes.txt", b"some notes\n")]),
    multipart("/upload", [], [("file", "caf\u00e9.txt", "d\u00e9j\u00e0 vu".encode("utf-8"))]),
    multipart("/upload", [("title", "no file")], []),
    post("/json", body=b'{"a": [1, 2], "b": "\\u00e9"}', content_type="application/json"),
    post("/data", body=b"raw body bytes", content_type="application/octet-stream"),
    post("/data", form="a=1"),
    get("/environ", headers={"X-Custom": "from the environ"}),
    request("PATCH", "/form", body=b"k=v", content_type="application/x-www-form-urlencoded"),
    post("/form", body=b"--x\r\nbroken", content_type="multipart/form-data; boundary=x"),
    post("/form", body=b"k=v", content_type="multipart/form-data"),
    get("/info", headers={"Host": "example.com:8080"}),
]

HOOKS = [
    get("/"),
    get("/", headers={"X-User": "alice"}),
    head("/"),
    get("/blocked"),
    get("/refused"),
    get("/abort-before", expect="hook-errors-handled"),
    get("/abort-before-unhandled", expect="hook-errors-handled"),
    get("/raise-before", expect="hook-errors-handled"),
    get("/rewrite-method", expect="method-read-once"),
    get("/replace"),
    get("/raise-after", expect="hook-errors-handled"),
    get("/abort-in-view"),
    get("/g"),
    get("/missing"),
    post("/"),
]

ERRORS = [
    get("/"),
    get("/abort/400"),
    get("/abort/401"),
    get("/abort/403"),
    get("/abort/404"),
    get("/abort/405"),
    get("/abort/410"),
    get("/abort/418", expect="abort-unknown-code"),
    get("/abort/500"),
    get("/abort/501"),
    get("/abort/503"),
    get("/fail"),
    get("/zero"),
    get("/key"),
    get("/no-such-page"),
    post("/"),
    get("/redirect-abort"),
    head("/abort/403"),
    head("/no-such-page"),
    head("/abort/401"),
    get("/session-read", expect="no-secret-key"),
    get("/session-write", expect="no-secret-key"),
    get("/resource?name=data.txt"),
    get("/resource?name=../outside.txt", expect="open-resource-outside"),
    get("/resource?name=missing.txt"),
]

ERROR_FILES = {
    "data.txt": "a resource beside the application \u2713\n",
    # Written one folder up, outside the application's folder.
    "../outside.txt": "a file outside the application's folder\n",
}

TEMPLATE_FILES = {
    "templates/layout.html": (
        "<!doctype html>\n<title>{% block title %}{{ site }}{% endblock %}</title>\n"
        "<div>{% block body %}{% endblock %}</div>\n"
    ),
    "templates/index.html": (
        "{% extends 'layout.html' %}\n{% block body %}<ul>\n"
        "{% for entry in entries %}  <li>{{ loop.index }}: {{ entry }}</li>\n{% endfor %}"
        "</ul>{% include 'footer.html' %}{% endblock %}\n"
    ),
    "templates/footer.html": "<footer>{{ site }} \u00a9 2010 \u2014 {{ url_for('index') }}</footer>",
    "templates/child.html": (
        "{% extends 'layout.html' %}{% block title %}{{ title }} - {{ super() }}"
        "{% endblock %}{% block body %}child{% endblock %}"
    ),
    "templates/escape.html": "<p>{{ value }}</p><p>{{ safe }}</p><p>{{ value|safe }}</p>\n",
    "templates/context.html": (
        "path={{ request.path }} args={{ request.args.get('a', '') }} "
        "session={{ session.seen }} g={{ g.colour }} url={{ url_for('child') }} "
        "flashes={{ get_flashed_messages() }}\n"
    ),
    "templates/macro.html": (
        "{% macro item(name) %}<li>{{ name|title }}</li>{% endmacro %}"
        "<ul>{% for user in users %}{{ item(user) }}{% endfor %}</ul>"
    ),
}

TEMPLATES = [
    get("/"),
    get("/child", expect="explicit-template-arguments"),
    get("/escape"),
    get("/escape?value=%3Cb%3E"),
    get("/processor"),
    get("/explicit", expect="explicit-template-arguments"),
    get("/context?a=1", client="t"),
    get("/context", client="t"),
    get("/string"),
    get("/flash-and-render", client="f"),
    get("/flash-and-render", client="f"),
    get("/filters"),
    get("/with"),
    get("/missing-template"),
    get("/undefined"),
    get("/macro"),
    head("/"),
    get("/truncate", expect="jinja2-truncate"),
]

SESSIONS = [
    get("/", client="a"),
    get("/whoami", client="a"),
    post("/login", form="user=alice", client="a"),
    get("/", client="a"),
    get("/whoami", client="a"),
    get("/", client="a"),
    get("/whoami", client="b"),
    post("/login", form="user=b%C3%B8b", client="b"),
    get("/whoami", client="b"),
    get("/whoami", client="a"),
    get("/count", client="a"),
    get("/count", client="a"),
    get("/count", client="a"),
    get("/read-only", client="a"),
    get("/logout", client="a"),
    get("/", client="a"),
    get("/whoami", client="a"),
    get("/cart/add/apple", client="c"),
    get("/cart/add/pear", client="c"),
    get("/cart/add/plum", client="c"),
    get("/cart", client="c"),
    get("/store", client="s"),
    get("/", client="s"),
    get("/mutate", client="s"),
    get("/", client="s"),
    get("/clear", client="s"),
    get("/", client="s"),
    get("/flash/one", client="m"),
    get("/flash/two", client="m"),
    get("/messages", client="m"),
    get("/messages", client="m"),
    get("/flash/caf%C3%A9", client="m"),
    get("/messages", client="m"),
    get("/whoami", headers={"Cookie": "session=forged-value"}),
    get("/whoami", headers={"Cookie": "session="}),
    get("/count", headers={"Cookie": "session=garbage?user=x"}),
    get("/read-only"),
    get("/after-session", client="x", expect="session-saved-after-hooks"),
    get("/", client="x", expect="session-saved-after-hooks"),
    get("/count", client="x", expect="session-saved-after-hooks"),
]

STATIC = [
    get("/"),
    get("/static/style.css"),
    head("/static/style.css"),
    get("/static/img/logo.png"),
    get("/static/caf%C3%A9.txt"),
    get("/static/missing.css"),
    get("/static/generated.css"),
    get("/static/from-hook"),
    get("/static/../ref_static.py"),
    get("/static/%2e%2e/ref_static.py"),
    get("/static//style.css", expect="static-double-slash"),
    head("/static//style.css", expect="static-double-slash"),
    get("/static/img/../style.css", expect="static-dot-segments"),
    get("/static/", expect="static-folder-itself"),
    get("/static", expect="static-folder-itself"),
    post("/static/style.css", expect="static-only-get-head"),
    request("PUT", "/static/style.css", body=b"x", expect="static-only-get-head"),
    get("/static/style.css", headers={"If-None-Match": "not-the-etag"}),
    get("/other"),
]

RESPONSES = [
    get("/text"),
    get("/unicode"),
    get("/bytes"),
    get("/tuple-status"),
    get("/tuple-headers"),
    get("/tuple-list-headers"),
    get("/response"),
    get("/json-mimetype"),
    get("/cookie"),
    get("/redirect-root"),
    get("/redirect-path"),
    get("/redirect-relative"),
    get("/redirect-absolute"),
    get("/redirect-301"),
    get("/redirect-unicode"),
    get("/wsgi-list", expect="wsgi-list-length"),
    get("/wsgi-generator"),
    get("/http-exception"),
    get("/empty"),
    get("/status-text"),
    get("/none", expect="unhandled-exception-500"),
    get("/fail", expect="unhandled-exception-500"),
    head("/text"),
    head("/head-and-get"),
    get("/head-and-get"),
    head("/redirect-root"),
    head("/wsgi-list", expect="wsgi-list-length"),
    get("/missing"),
    head("/missing"),
    head("/http-exception"),
    head("/wsgi-generator"),
]

UNICODE_FILES = {
    "templates/page.html": "<h1>Gr\u00fc\u00dfe aus {{ name }}</h1><p>{{ symbol }} 5</p>\n",
}

UNICODE = [
    get("/caf%C3%A9"),
    get("/caf\u00e9"),
    get("/cafe"),
    get("/word/%C3%BCber"),
    get("/word/%E6%97%A5%E6%9C%AC"),
    get("/word/%F0%9F%98%80"),
    get("/search?q=%C3%A9t%C3%A9"),
    get("/search?q=\u00e9t\u00e9"),
    post("/echo", form="name=J%C3%B6rg"),
    post("/echo", body="name=J\u00f6rg".encode("utf-8"),
         content_type="application/x-www-form-urlencoded"),
    post("/echo", body=b"name=J%C3%B6rg",
         content_type="application/x-www-form-urlencoded; charset=utf-8"),
    get("/page"),
    get("/build"),
    get("/latin1"),
    get("/word/caf%C3%A9"),
    get("/build-cafe", expect="url-for-non-ascii-rule"),
]

#: module name: (files to write beside it, requests)
APPS = {
    "ref_routing": ({}, ROUTING),
    "ref_urls": ({}, URLS),
    "ref_request": ({}, REQUEST),
    "ref_hooks": ({}, HOOKS),
    "ref_errors": (ERROR_FILES, ERRORS),
    "ref_templates": (TEMPLATE_FILES, TEMPLATES),
    "ref_sessions": ({}, SESSIONS),
    "ref_static": ({}, STATIC),
    "ref_responses": ({}, RESPONSES),
    "ref_unicode": (UNICODE_FILES, UNICODE),
}
