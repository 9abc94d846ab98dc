"""Ways for a Flask 0.1 application to get 0.1's behaviour back where it
depends on it, one per difference. docs/differences.rst shows them, and
test_reference.py applies each to an application of the corpus and
checks that flask.py then answers as Flask 0.1 did.
"""
import re
from urllib.parse import parse_qsl, quote

from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.test import run_wsgi_app
from werkzeug.urls import iri_to_uri
from werkzeug.utils import cached_property

import flask


class AbsoluteLocationResponse(flask.Response):
    """A response class whose Location header is made absolute (joined
    with the URL of the request) when it is sent, as in Flask 0.1."""

    autocorrect_location_header = True


class URIRequest(flask.Request):
    """A request class whose ``url`` and ``base_url`` are URIs, as in
    Flask 0.1: non-ASCII text percent-encoded, and the query string as
    the client sent it."""

    @cached_property
    def base_url(self):
        return iri_to_uri(super().base_url)

    @cached_property
    def url(self):
        if not self.query_string:
            return self.base_url
        query = quote(self.query_string, safe="%!$&'()*+,/:;=?@~")
        return self.base_url + "?" + query


class DropUndecodableArgsRequest(flask.Request):
    """A request class whose ``args`` leave out the bytes of the query
    string that are not UTF-8, as Flask 0.1 did (flask.py keeps them
    percent-encoded)."""

    @cached_property
    def args(self):
        # Unquoted byte for byte (latin-1), then read as UTF-8.
        query = self.query_string.decode("latin-1")
        pairs = parse_qsl(query, keep_blank_values=True, encoding="latin-1")

        def text(value):
            return value.encode("latin-1").decode("utf-8", "ignore")

        return ImmutableMultiDict([(text(k), text(v)) for k, v in pairs])


class PostPutFormRequest(flask.Request):
    """A request class that parses a form body only for POST and PUT
    requests, as Flask 0.1 did; for other methods ``form`` is empty."""

    @cached_property
    def form(self):
        if self.method in ("POST", "PUT"):
            return super().form
        return ImmutableMultiDict()


class SquashSlashes:
    """WSGI middleware that turns each run of slashes in the path into
    one, so that ``/static//style.css`` finds ``style.css`` as in Flask
    0.1. Wrap the application's ``wsgi_app`` with it::

        app.wsgi_app = SquashSlashes(app.wsgi_app)
    """

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        environ["PATH_INFO"] = re.sub("/{2,}", "/", path)
        return self.wsgi_app(environ, start_response)


def buffered(wsgi_app):
    """Run a WSGI application for the current request and return its
    whole answer as a response, which gets a Content-Length. Return
    ``buffered(wsgi_app)`` from a view instead of ``wsgi_app``."""
    environ = flask.request.environ
    body, status, headers = run_wsgi_app(wsgi_app, environ, buffered=True)
    return flask.current_app.response_class(body, status, headers)

