"""Send WSGI requests to an application and record what comes back.

This file runs under two interpreters: Python 2.7, where it drives the
real Flask 0.1 (as a script: requests in on stdin, results out on
stdout, both JSON), and Python 3, where tests/compat_0_1/test_reference.py
imports it to drive flask.py the same way. Keeping one copy of this code
means both sides build their environs, carry their cookies and read
their responses by the same steps.

A request is a JSON object:

``environ``
    the CGI keys of the WSGI environ (``REQUEST_METHOD``, ``PATH_INFO``,
    ``HTTP_*``...), as text: each value is the latin-1 reading of the
    bytes a server would put there. On Python 2 they become byte strings
    (encoded back to latin-1), on Python 3 they stay ``str``, which is
    what PEP 3333 asks of each.
``body``
    the request body, base64.
``client``
    a name, or null. Requests of the same client carry the cookies its
    earlier responses set (a tiny cookie jar per client and application);
    null sends no cookies but those in ``environ``.

A result is a JSON object with ``status``, ``headers`` (a list of
[name, value], in the order the application gave them), ``body``
(base64), ``has_close`` (whether the body iterable has ``close()``),
``exception`` (the class name of an exception that came out of the
application, else null), ``errors`` (what was written to
``wsgi.errors``), and the sessions described at run_requests().
"""
from __future__ import print_function

import base64
import io
import json
import sys

PY2 = sys.version_info[0] == 2


def native(text):
    """A text value as the environ of this Python holds it."""
    if PY2 and not isinstance(text, bytes):
        return text.encode("latin-1")
    return text


def text(value):
    """A native string from the application (status, header) as text."""
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return value


def make_environ(request, cookie_header):
    """The full WSGI environ of one request."""
    environ = {}
    for key, value in request["environ"].items():
        environ[native(key)] = native(value)
    if cookie_header:
        environ[native("HTTP_COOKIE")] = native(cookie_header)
    body = base64.b64decode(request.get("body") or "")
    if body and "CONTENT_LENGTH" not in request["environ"]:
        environ[native("CONTENT_LENGTH")] = native(str(len(body)))
    environ[native("wsgi.version")] = (1, 0)
    environ[native("wsgi.url_scheme")] = native("http")
    environ[native("wsgi.input")] = io.BytesIO(body)
    environ[native("wsgi.errors")] = io.BytesIO() if PY2 else io.StringIO()
    environ[native("wsgi.multithread")] = False
    environ[native("wsgi.multiprocess")] = False
    environ[native("wsgi.run_once")] = False
    return environ


def call_app(app, environ):
    """Call a WSGI application as a server would; return the result."""
    started = []

    def start_response(status, headers, exc_info=None):
        started.append((status, list(headers)))
        return lambda data: None

    result = {"status": None, "headers": [], "body": "", "has_close": False,
              "exception": None, "errors": ""}
    chunks = []
    try:
        app_iter = app(environ, start_response)
        result["has_close"] = hasattr(app_iter, "close")
        try:
            for chunk in app_iter:
                chunks.append(chunk)
        finally:
            if hasattr(app_iter, "close"):
                app_iter.close()
    except Exception as e:
        result["exception"] = type(e).__name__
    if started:
        status, headers = started[-1]
        result["status"] = text(status)
        result["headers"] = [[text(name), text(value)] for name, value in headers]
    result["body"] = base64.b64encode(b"".join(chunks)).decode("ascii")
    errors = environ["wsgi.errors"].getvalue()
    result["errors"] = errors.decode("utf-8", "replace") if isinstance(errors, bytes) else errors
    return result


class CookieJar(object):
    """The cookies of one client, as a browser keeps them for one host:
    a Set-Cookie stores its value, an empty value or a date in the past
    (Max-Age=0, or an Expires in 1970) removes it."""

    def __init__(self):
        self.cookies = []  # [name, value] in the order they were first set

    def update(self, headers):
        for name, value in headers:
            if name.lower() != "set-cookie":
                continue
            pair, _, attributes = value.partition(";")
            cookie, _, cookie_value = pair.partition("=")
            cookie = cookie.strip()
            attributes = attributes.lower().replace(" ", "")
            gone = (not cookie_value or cookie_value == '""' or "max-age=0" in attributes
                    or "1970" in attributes)
            names = [c[0] for c in self.cookies]
            if gone:
                self.cookies = [c for c in self.cookies if c[0] != cookie]
            elif cookie in names:
                self.cookies[names.index(cookie)][1] = cookie_value.strip()
            else:
                self.cookies.append([cookie, cookie_value.strip()])

    def header(self):
        return "; ".join("%s=%s" % (name, value) for name, value in self.cookies)


def read_session(app, value):
    """The session a session cookie's value holds, as JSON, read by the
    application's own open_session() (so pickle on one side and JSON on
    the other both come back as the same text); None if the application
    has no secret key."""
    if not getattr(app, "secret_key", None):
        return None
    name = getattr(app, "session_cookie_name", "session")
    environ = make_environ({"environ": {
        "REQUEST_METHOD": "GET", "SCRIPT_NAME": "", "PATH_INFO": "/", "QUERY_STRING": "",
        "SERVER_NAME": "localhost", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "localhost"}}, "%s=%s" % (name, value))
    session = app.open_session(app.request_class(environ))
    return json.dumps(dict(session), sort_keys=True)


def run_requests(app, requests):
    """Send requests to one application in order; return their results.
    Each result also has ``session``, the session held by the session
    cookie the response set (null if it set none), and ``sent_session``,
    the one held by the session cookie the request carried."""
    name = getattr(app, "session_cookie_name", "session")
    jars = {}
    results = []
    for request in requests:
        client = request.get("client")
        jar = jars.setdefault(client, CookieJar()) if client else None
        environ = make_environ(request, jar.header() if jar else "")
        sent = dict(jar.cookies).get(name) if jar else None
        result = call_app(app, environ)
        result["sent_session"] = read_session(app, sent) if sent is not None else None
        result["session"] = None
        for header, value in result["headers"]:
            if header.lower() == "set-cookie" and value.startswith(name + "="):
                result["session"] = read_session(app, value.split(";")[0][len(name) + 1:])
        if jar is not None:
            jar.update(result["headers"])
        results.append(result)
    return results


def main():
    """Python 2 side: read {"target": folder, "apps": [{"module", "folder",
    "requests"}]} from stdin, write {"flask": file, "results": {module:
    [result, ...]}} to stdout."""
    job = json.loads(sys.stdin.read())
    sys.path.insert(0, native(job["target"]))
    import flask
    flask_file = flask.__file__
    if not flask_file.startswith(native(job["target"])):
        raise SystemExit("flask was imported from %s, not from %s" % (flask_file, job["target"]))
    output = {"flask": text(flask_file), "results": {}}
    for entry in job["apps"]:
        sys.path.insert(0, native(entry["folder"]))
        module = __import__(native(entry["module"]))
        output["results"][entry["module"]] = run_requests(module.app, entry["requests"])
    sys.stdout.write(json.dumps(output))


if __name__ == "__main__":
    main()
