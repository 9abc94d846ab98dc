"""The floor of the server benchmark: hand-written WSGI callables that do
no work at all and send, for each server scenario, a constant response
with the status, header list and body that flask.py sends (the session
one with a Set-Cookie value as long as flask.py's signed cookie). What a
server serves per second with these is what it can do for any
framework; each framework's row is then compared with this one.

Standard library only, with the builders' names and arguments of the
other modules of apps/.
"""


def _constant(body, extra_headers=()):
    status = "200 OK"
    headers = [("Content-Type", "text/html; charset=utf-8"),
               ("Content-Length", str(len(body))), *extra_headers]

    def app(environ, start_response):
        start_response(status, headers)
        return [body]

    return app


def hello_app():
    return _constant(b"Hello, World!")


def routes_app(count):
    """The answer of the routing scenario's request, which matches the
    rule three from the end."""
    return _constant(f"resource {count - 3} item 42".encode())


def session_app(secret):
    # The length of flask.py's cookie for {"counter": 2}: payload,
    # timestamp and signature, base64url-encoded.
    cookie = "session=eyJjb3VudGVyIjoyfQ.AAAAAA." + "x" * 43 + "; HttpOnly; Path=/; SameSite=Lax"
    return _constant(b"2", [("Vary", "Cookie"), ("Set-Cookie", cookie)])
