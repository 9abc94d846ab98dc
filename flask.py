"""
flask
=====

A microframework for Python web applications, built on Werkzeug for HTTP
and routing, Jinja2 for templates and itsdangerous for signed cookies.

This module is the whole framework. Read it from top to bottom: the request
and response classes, the session object, the request context and its
stack (with URL matching, done when the context is made, as in 0.1), the
helper functions that views call, the :class:`Flask` application object in
the order a request travels through it, the session cookie's format, the
static files middleware, and the context-local proxies ``request``,
``session``, ``g`` and ``current_app``.

One shortcut makes requests cheaper, and it is taken in one place
(``Flask._send_plain``, called from :meth:`Flask.wsgi_app`): a str or
bytes result, or an HTTP error page, that nothing could see as a response
object is sent without building one. Its headers come from the same code
the full path uses, and a differential test checks that the bytes are the
same.

:license: BSD-3-Clause, see LICENSE for details.
"""
from __future__ import annotations

import base64
import hashlib
import json
import operator
import os
import sys
import time as _time
import traceback
import warnings
import zlib
from datetime import date, datetime, time, timedelta
from functools import cached_property, lru_cache
from io import BytesIO
from typing import IO, TYPE_CHECKING, Any, Callable, Iterable, TypeVar, cast
from urllib.parse import parse_qsl
from uuid import UUID

from markupsafe import Markup, escape
from werkzeug.datastructures import CallbackDict
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge, abort
from werkzeug.formparser import FormDataParser
from werkzeug.http import dump_cookie
from werkzeug.local import LocalStack
from werkzeug.middleware.shared_data import SharedDataMiddleware
from werkzeug.routing import Map, MapAdapter, Rule
from werkzeug.sansio.http import parse_cookie
from werkzeug.security import safe_join
from werkzeug.utils import cached_property as _werkzeug_cached_property
from werkzeug.utils import get_content_type, redirect
from werkzeug.wrappers import Request as _WerkzeugRequest
from werkzeug.wrappers import Response as _WerkzeugResponse
from werkzeug.wsgi import ClosingIterator, LimitedStream, get_content_length, get_host, get_input_stream

# Jinja2 and itsdangerous are imported where they are first needed (the
# first template, the first session cookie): a process that serves a
# single request, as under CGI, only pays for what that request uses.
if TYPE_CHECKING:
    from jinja2 import Environment, FileSystemLoader, Template

# What this module relies on beyond Werkzeug's documented API (each place
# says why); the test named breaks if a release changes it, and .ci/run also
# runs the tests against the newest releases:
# - SharedDataMiddleware.exports and _opener, for _StaticFiles's loader:
#   tests/test_static.py::test_symlink_out_of_the_static_folder_is_404
# - Request._get_file_stream, to close the uploads of a failed parse:
#   tests/test_request.py::test_uploads_of_a_multipart_body_that_fails_to_parse_are_closed
# - werkzeug.sansio.http.parse_cookie, which does not raise on non-UTF-8 bytes:
#   tests/test_request.py::test_a_cookie_header_with_bytes_that_are_not_utf8_is_not_a_server_error
# - the codec error handler "werkzeug.url_quote" (registered by werkzeug.urls):
#   tests/security/test_security_hostile_input.py::test_raw_non_utf8_bytes_in_the_query_string_stay_percent_encoded
# - the debugger's environ key "werkzeug.debug.preserve_context":
#   tests/test_context.py::test_the_debugger_binds_the_kept_context_around_console_commands
# - LimitedStream's read() and readline() going through readinto():
#   tests/test_app.py::test_a_chunked_body_over_max_content_length_is_refused_not_cut_short

__version__ = "0.1.1"

# What ``from flask import *`` gives: the names of the API chapter, the
# current_app proxy, and HTTPException, which 0.1 applications picked up
# the same way (0.1 had no __all__ and exported every name it imported).
__all__ = [
    "Flask", "Request", "Response", "request", "session", "g", "current_app",
    "url_for", "flash", "get_flashed_messages", "render_template",
    "render_template_string", "abort", "redirect", "escape", "Markup",
    "HTTPException", "_request_ctx_stack",
]

F = TypeVar("F", bound=Callable[..., Any])


class _JSON:
    """The ``json`` module as ``Request.get_json()`` uses it, except that
    a body nested too deeply to parse is malformed JSON (a 400) like any
    other.

    Works around: 100,000 ``[`` make the standard library's parser raise
    ``RecursionError``, which Werkzeug 3's ``get_json`` lets through."""

    dumps = staticmethod(json.dumps)

    @staticmethod
    def loads(data: str | bytes, **kwargs: Any) -> Any:
        try:
            return json.loads(data, **kwargs)
        except RecursionError:
            raise ValueError("the JSON body is nested too deeply") from None


class _FormParser(FormDataParser):
    """Werkzeug's form parser, with ``max_form_memory_size`` and
    ``max_form_parts`` applied to urlencoded bodies too (413 before they
    are parsed). Works around: Werkzeug 3 applies them to multipart only,
    and a urlencoded body of many small fields takes some 40 times its
    size in memory once parsed."""

    def parse(
        self, stream: IO[bytes], mimetype: str, content_length: int | None,
        options: dict[str, str] | None = None,
    ) -> Any:
        if mimetype == "application/x-www-form-urlencoded":
            limit = self.max_form_memory_size
            if limit is not None and content_length is not None and content_length > limit:
                raise RequestEntityTooLarge()
            data = stream.read() if limit is None or content_length is not None else stream.read(limit + 1)
            if limit is not None and len(data) > limit:
                raise RequestEntityTooLarge()
            # Every field but the last ends with "&".
            if self.max_form_parts is not None and data.count(b"&") >= self.max_form_parts:
                raise RequestEntityTooLarge()
            stream = BytesIO(data)
        return super().parse(stream, mimetype, content_length, options)


class _LimitedBody(LimitedStream):
    """A request body sent without a Content-Length (chunked), read to at
    most ``limit`` bytes: reading a byte more is a 413."""

    def __init__(self, stream: IO[bytes], limit: int):
        super().__init__(stream, limit + 1, is_max=True)

    def readinto(self, buffer: Any) -> int | None:
        size = super().readinto(buffer)
        if self.is_exhausted:
            raise RequestEntityTooLarge()
        return size


class Request(_WerkzeugRequest):
    """The request object used by default: Werkzeug's request, plus the
    result of URL matching.

    The current request is available as :data:`request`. To use a subclass
    of your own, set :attr:`Flask.request_class` to it.
    """

    #: The endpoint the URL matched, or ``None`` if matching failed.
    endpoint: str | None = None

    #: The variable parts of the matched URL as a dict, or ``None``.
    view_args: dict[str, Any] | None = None

    #: The HTTP exception raised by URL matching (a 404, 405 or a
    #: redirect), or ``None`` if the URL matched.
    routing_exception: HTTPException | None = None

    # What get_json() parses with: see _JSON.
    json_module: Any = _JSON

    # What parses the form: see _FormParser.
    form_data_parser_class = _FormParser

    # Werkzeug's cached_property, like the properties these replace:
    # functools' takes a lock on the first use, which is every request.
    @_werkzeug_cached_property
    def args(self) -> Any:
        """The parsed query string, as Werkzeug's ``args``, except that raw
        bytes which are not UTF-8 stay percent-encoded, like encoded ones.
        Works around: Werkzeug 3 raises ``UnicodeDecodeError`` (a 500)."""
        query = self.query_string.decode("utf-8", "werkzeug.url_quote")
        if "%" in query or "+" in query:
            pairs = parse_qsl(query, keep_blank_values=True, errors="werkzeug.url_quote")
        else:
            # Nothing to unquote: parse_qsl's pairs, without its work on each.
            pairs = [pair.partition("=")[::2] for pair in query.split("&") if pair]
        return self.parameter_storage_class(pairs)

    @_werkzeug_cached_property
    def stream(self) -> IO[bytes]:
        """The request body, as Werkzeug's ``stream``, except that a body
        sent without a Content-Length (chunked) longer than
        ``max_content_length`` is refused with 413 when it is read. Works
        around: Werkzeug 3 stops at the limit and parses what it read."""
        limit = self.max_content_length
        environ = self.environ
        if limit is None or self.content_length is not None or "wsgi.input_terminated" not in environ:
            return get_input_stream(environ, max_content_length=limit)
        return cast(IO[bytes], _LimitedBody(environ["wsgi.input"], limit))

    # The streams _get_file_stream made for this request's uploads.
    _upload_streams: list[IO[bytes]] | None = None

    def _get_file_stream(
        self, total_content_length: int | None, content_type: str | None,
        filename: str | None = None, content_length: int | None = None,
    ) -> IO[bytes]:
        # Works around: Werkzeug 3's form parser does not close the files
        # of a multipart body it stops parsing (too many parts, a body cut
        # short), which never reach ``files``: close() closes them here.
        stream = super()._get_file_stream(total_content_length, content_type, filename, content_length)
        if self._upload_streams is None:
            self._upload_streams = []
        self._upload_streams.append(stream)
        return stream

    def close(self) -> None:
        """Close the request's uploaded files, also those of a multipart
        body that failed to parse. The request context does it when the
        request ends."""
        super().close()
        for stream in self._upload_streams or ():
            stream.close()

    @_werkzeug_cached_property
    def cookies(self) -> Any:
        """The cookies the client sent, parsed by the parser of Werkzeug's
        ``cookies`` (in ``werkzeug.sansio``) straight from ``HTTP_COOKIE``.
        Works around: Werkzeug 3's ``cookies`` walks every environ key, and
        ``werkzeug.http.parse_cookie`` raises (a 500) on non-UTF-8 bytes."""
        return parse_cookie(self.environ.get("HTTP_COOKIE", ""), cls=self.dict_storage_class)


class Response(_WerkzeugResponse):
    """The response object used by default: Werkzeug's response with an
    HTML mimetype unless told otherwise. :meth:`Flask.make_response` turns
    a view's return value into one; to use a subclass of your own, set
    :attr:`Flask.response_class` to it."""

    default_mimetype = "text/html"


class Session(CallbackDict[str, Any]):
    """The session of one client: a dict that notices when it is changed.

    It is stored in a cookie signed with :attr:`Flask.secret_key`, so the
    client can read it but cannot change it. The cookie is only sent back
    when the session was modified.
    """

    def __init__(self, initial: dict[str, Any] | None = None, new: bool = True):
        super().__init__(initial, _mark_modified)
        #: ``True`` if the client sent no valid session cookie.
        self.new = new
        #: ``True`` once the session was changed. Changes inside a mutable
        #: value (appending to a list stored in the session) are not seen:
        #: set this to ``True`` yourself after such a change.
        self.modified = False

    def setdefault(self, key: str, default: Any = None) -> Any:
        """Return ``session[key]``, storing ``default`` there first if the
        key is missing. The session counts as modified either way, as in
        0.1: what it returns is often changed in place
        (``session.setdefault('cart', []).append(item)``)."""
        self.modified = True
        return super().setdefault(key, default)


def _mark_modified(session: Session) -> None:
    session.modified = True


_NO_SECRET_KEY = (
    "The session is unavailable because the application has no"
    " secret_key. Set app.secret_key to a long random value.")


class _NullSession(Session):
    """The session of an application without a :attr:`Flask.secret_key`:
    it can be read (it is always empty) but any change is an error, since
    nothing could be signed."""

    def _fail(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(_NO_SECRET_KEY)

    __setitem__ = __delitem__ = clear = pop = popitem = _fail
    setdefault = update = __ior__ = _fail


class _RequestGlobals:
    """A plain namespace, one per request, for whatever views want to keep
    until the request ends (a database connection, the current user)."""


class _URLMap(Map):
    """Werkzeug's :class:`~werkzeug.routing.Map`, keeping the URL adapters
    that matching shares (see :func:`_match_url`) until a rule is added."""

    def __init__(self, *args: Any, **kwargs: Any):
        # Set first: Map.__init__ adds the rules it is given through add().
        self.shared_adapters: dict[Any, tuple[MapAdapter, dict[str, str]]] = {}
        super().__init__(*args, **kwargs)

    def add(self, rulefactory: Any) -> None:
        super().add(rulefactory)
        self.shared_adapters.clear()


def _wsgi_text(environ: dict[str, Any], name: str, default: str) -> str:
    # A WSGI string holds the request's bytes as latin-1; decode them as
    # UTF-8, as Werkzeug does when it binds a map to an environ.
    value: str = environ.get(name, default)
    return value if value.isascii() else value.encode("latin-1").decode("utf-8", "replace")


#: What URL matching found: the endpoint and view arguments, or the error.
_Routing = tuple["str | None", "dict[str, Any] | None", "HTTPException | None"]


def _match_url(app: Flask, environ: dict[str, Any]) -> _Routing:
    """Match a request's URL as it arrived. Requests with the same host,
    scheme, script name, method and upgrade share a URL adapter, and the endpoints
    of the paths it matched that are exactly a rule without variable parts
    (so the app's rules bound them, whatever clients send)."""
    url_map = app.url_map
    # Only the stock binding is known to depend on nothing else in the
    # environ; checked at every request, so that an override counts.
    if (
        type(url_map) is _URLMap and "_bind_url_map" not in app.__dict__
        and (type(app) is Flask or type(app)._bind_url_map is Flask._bind_url_map)
        and _URLMap.bind_to_environ is Map.bind_to_environ
    ):
        # What the stock binding reads (the server's name and port only without a Host).
        host = environ.get("HTTP_HOST")
        key = (
            (environ.get("SERVER_NAME"), environ.get("SERVER_PORT")) if host is None else host,
            environ.get("wsgi.url_scheme"), environ.get("SCRIPT_NAME"), environ.get("REQUEST_METHOD"),
            "HTTP_UPGRADE" in environ and (environ.get("HTTP_CONNECTION"), environ["HTTP_UPGRADE"]),
        )
        shared = url_map.shared_adapters.get(key)
        if shared is None:
            # The Host header is the client's choice: the adapters kept are bounded.
            if len(url_map.shared_adapters) >= 64:
                url_map.shared_adapters.clear()
            shared = url_map.shared_adapters[key] = (app._bind_url_map(environ), {})
        adapter, static_paths = shared
    else:
        adapter, static_paths = app._bind_url_map(environ), {}
    path = _wsgi_text(environ, "PATH_INFO", "/")
    endpoint = static_paths.get(path)
    if endpoint is not None:
        return endpoint, {}, None
    try:
        rule, view_args = adapter.match(path, environ.get("REQUEST_METHOD", "GET"), return_rule=True,
                                        query_args=_wsgi_text(environ, "QUERY_STRING", ""))
    except HTTPException as e:
        return None, None, e
    if not view_args and rule.rule == path:
        static_paths[path] = str(rule.endpoint)
    return str(rule.endpoint), dict(view_args), None


class _RequestContext:
    """Everything that belongs to one request: the application, the
    request object, the URL adapter, the session and ``g``, pushed on
    :data:`_request_ctx_stack` for a ``with`` block (see
    :meth:`Flask.request_context`)."""

    def __init__(self, app: Flask, environ: dict[str, Any]):
        self.app = app
        self.environ = environ
        if app.trusted_hosts is not None:
            # 400 for a Host not served, before a URL is built from it.
            get_host(environ, app.trusted_hosts)
        limit = app.max_content_length
        if limit is not None:
            # Refused before it is read; the request limits what is read.
            length = get_content_length(environ)
            if length is not None and length > limit:
                raise RequestEntityTooLarge()
        # The URL is matched now, as in 0.1: a before-request function that
        # changes the method or path does not change which view runs. A
        # Host header that cannot be bound is a 400 from here.
        self._routing: _Routing = _match_url(app, environ)

    # Until set: the flashes read, the session opened, kept for the debugger.
    flashes: list[Any] | None = None
    _session: Session | None = None
    _preserved = False

    # The request object (documented in docs/api.rst), made on first use
    # by __getattr__: a view that never looks at it does not pay for it.
    request: Request
    g: _RequestGlobals

    def __getattr__(self, name: str) -> Any:
        # Called only for an attribute the context lacks: once made, the
        # request and g are plain attribute reads (views read them often).
        if name == "g":
            self.g = _RequestGlobals()
            return self.g
        if name != "request":
            raise AttributeError(name)
        app = self.app
        request = self.request = app.request_class(self.environ)
        request.endpoint, request.view_args, request.routing_exception = self._routing
        if app.max_content_length is not None:
            request.max_content_length = app.max_content_length
        request.max_form_memory_size = app.max_form_memory_size
        # None lifts the limit, though Werkzeug's annotation says int.
        request.max_form_parts = app.max_form_parts  # type: ignore[assignment]
        return request

    @_werkzeug_cached_property
    def url_adapter(self) -> MapAdapter:
        # Documented in docs/api.rst. Made on first use: most requests
        # never build a URL, and matching uses a shared adapter.
        return self.app._bind_url_map(self.environ)

    @property
    def session(self) -> Session:
        """The session, opened on first use: requests that never touch it
        never parse or verify the cookie."""
        if self._session is None:
            self._session = self.app.open_session(self.request)
        return self._session

    def push(self) -> None:
        """Bind this context to the current thread, greenlet or task."""
        # A context kept alive for the debugger after an error is dropped
        # as soon as the next request arrives, so contexts never pile up.
        top = _request_ctx_stack.top
        if top is not None and top._preserved:
            top.pop()
        _request_ctx_stack.push(self)

    def pop(self) -> None:
        """Unbind this context again, and close the request's uploaded
        files (spooled to temporary files for large uploads)."""
        _request_ctx_stack.pop()
        if "request" in self.__dict__:
            self.request.close()

    def __enter__(self) -> _RequestContext:
        self.push()
        return self

    def __exit__(self, exc_type: Any, exc_value: Any, tb: Any) -> None:
        # Under Werkzeug's interactive debugger (which says so through the
        # environ) a failed request's context stays bound, and the debugger
        # binds it around each console command. Anywhere else nobody could
        # inspect it, and what it holds (a connection, its locks) goes now.
        preserve = None if exc_type is None else self.environ.get("werkzeug.debug.preserve_context")
        if preserve is not None and self.app.debug:
            self._preserved = True
            preserve(_PreservedContext(self))
            return
        self.pop()
        if exc_type is not None and "g" in self.__dict__:
            # Failed in debug mode: the after-request functions that close
            # what it opened did not run. Close what its g holds (a database
            # connection, and with it SQLite's lock) now, as they would have.
            for value in vars(self.g).values():
                if callable(getattr(value, "close", None)):
                    value.close()
            vars(self.g).clear()


class _PreservedContext:
    """The context manager that Werkzeug's debugger enters around each
    command typed in its console: it binds a failed request's context in
    whichever thread runs the command."""

    def __init__(self, ctx: _RequestContext):
        self.ctx = ctx

    def __enter__(self) -> None:
        _request_ctx_stack.push(self.ctx)

    def __exit__(self, *exc_info: Any) -> None:
        _request_ctx_stack.pop()


class _ContextStack(LocalStack[Any]):
    """Werkzeug's :class:`~werkzeug.local.LocalStack` as a chain of ``(top,
    rest)`` pairs: a push or pop sets one pair instead of copying a list."""

    def push(self, obj: Any) -> Any:
        self._storage.set((obj, self._storage.get(None)))  # type: ignore[arg-type]

    def pop(self) -> Any:
        pair: Any = self._storage.get(None)
        if pair is not None:
            self._storage.set(pair[1])
        return pair and pair[0]

    @property
    def top(self) -> Any:
        pair: Any = self._storage.get(None)
        return pair and pair[0]


#: The stack of active request contexts. Its ``top`` is the context of the
#: request being handled in this thread, greenlet or task, with ``app``,
#: ``request``, ``session``, ``g`` and ``url_adapter`` attributes.
_request_ctx_stack: LocalStack[_RequestContext] = _ContextStack()

_NO_CONTEXT = (
    "Working outside of a request context: this needs an active request."
    " Use app.test_request_context() in tests and interactive shells.")


def _current_context() -> _RequestContext:
    top = _request_ctx_stack.top
    if top is None:
        raise RuntimeError(_NO_CONTEXT)
    return top


def url_for(endpoint: str, **values: Any) -> str:
    """Build the URL of an endpoint (a view function's name) with the given
    values for its variable parts. Values the rule does not name are
    appended as a query string, and the application's mount point
    (``SCRIPT_NAME``) is prefixed.

    :param endpoint: the endpoint, or ``'static'`` with a ``filename``.
    :param values: the variable parts of the URL rule.
    """
    return _current_context().url_adapter.build(endpoint, values)


def flash(message: Any) -> None:
    """Remember a message in the session so that the next page rendered
    can show it through :func:`get_flashed_messages`.

    :param message: the message, usually a string.
    """
    session["_flashes"] = session.get("_flashes", []) + [message]


def get_flashed_messages() -> list[Any]:
    """Return the flashed messages and remove them from the session. Later
    calls within the same request return the same messages."""
    ctx = _current_context()
    if ctx.flashes is None:
        session = ctx.session
        ctx.flashes = session.pop("_flashes") if "_flashes" in session else []
    return ctx.flashes


def render_template(template_name: str, **context: Any) -> str:
    """Render a template from the application's ``templates`` folder.

    :param template_name: the template's name, such as ``'index.html'``.
    :param context: variables for the template. They win over the
        variables that context processors add of the same name.
    """
    app = _current_context().app
    app.update_template_context(context)
    return app.jinja_env.get_template(template_name).render(context)


def render_template_string(source: str, **context: Any) -> str:
    """Render a template given as a string, with autoescaping on.

    The source must be the application's own text. Pass what a user sent
    as a variable (``render_template_string('Hi {{ name }}', name=name)``),
    never as part of ``source``: a template can read the application's
    configuration, its secret key included, and run code on the server.

    :param source: the template's source code.
    :param context: variables for the template, as in
        :func:`render_template`.
    """
    app = _current_context().app
    app.update_template_context(context)
    return app._compiled_template(source).render(context)


#: The characters of source render_template_string keeps compiled, per app.
_STRING_TEMPLATES_SIZE = 512 * 1024


class Flask:
    """The application: a WSGI application and the registry of its views,
    URL rules, hooks and templates.

    Create it with the name of the module or package the application lives
    in; that is where templates, static files and resources are looked up::

        from flask import Flask
        app = Flask(__name__)

    :param package_name: the application's module or package name, usually
        ``__name__``.
    """

    #: The class of request objects. See :class:`Request`.
    request_class: type[Request] = Request

    #: The class of response objects. See :class:`Response`.
    response_class: type[Response] = Response

    #: The URL prefix of the static files, served from the ``static``
    #: folder. Set it to ``None`` (on a subclass, or on the class before
    #: creating the application) to serve no static files.
    static_path: str | None = "/static"

    #: The key that signs the session cookie: a long random value, the
    #: same on every server of the application and kept out of the code
    #: (read it from the environment). Without one, the session can be
    #: read (it is always empty) but not written. Set it on the
    #: application, or on a subclass.
    secret_key: str | bytes | None = None

    #: Older secret keys whose session cookies are still accepted while a
    #: new :attr:`secret_key` is rolled out; new cookies are always signed
    #: with :attr:`secret_key`. Assign a list: ``app.secret_key_fallbacks
    #: = [old_key]``.
    secret_key_fallbacks: list[str | bytes] | tuple[str | bytes, ...] = ()

    #: The name of the session cookie. A name that starts with
    #: ``__Host-`` or ``__Secure-`` always gets the ``Secure`` flag.
    session_cookie_name: str = "session"

    #: How long a session cookie is accepted after it was last written;
    #: an older one gives a new, empty session. The cookie itself still
    #: lasts until the browser closes.
    session_lifetime: timedelta = timedelta(days=31)

    #: Whether the session cookie gets the ``Secure`` flag, so browsers
    #: send it over https only. Turn it on when the site is served over
    #: https alone.
    session_cookie_secure: bool = False

    #: The largest request body accepted, in bytes; a larger one is
    #: refused with 413 Request Entity Too Large before it is read (or,
    #: sent without a Content-Length, as soon as the limit is passed).
    #: ``None`` accepts any size.
    max_content_length: int | None = None

    #: The largest form body parsed in memory, in bytes: a urlencoded
    #: body, or a multipart field that is not a file. A larger one is
    #: refused with 413 before it is parsed. ``None`` removes the limit.
    max_form_memory_size: int | None = 500_000

    #: The most fields (and files) a form may have; more are refused with
    #: 413 before they are parsed. ``None`` removes the limit.
    max_form_parts: int | None = 1_000

    #: The host names the application serves (``'example.com'``, or
    #: ``'.example.com'`` for it and its subdomains). A request for any
    #: other ``Host`` gets 400 Bad Request before anything (a redirect, a
    #: URL) is built from it. ``None`` accepts every host.
    trusted_hosts: list[str] | None = None

    #: Options passed as they are to the Jinja2 :class:`~jinja2.Environment`.
    jinja_options: dict[str, Any] = {"autoescape": True}

    def __init__(self, package_name: str):
        #: In debug mode unhandled exceptions propagate to the debugger and
        #: the development server reloads on code changes. Never enable it
        #: on a production server: the debugger runs arbitrary code.
        self.debug = False
        #: The name of the application's module or package. Do not change it.
        self.package_name = package_name
        # Where the application was made: warnings about it point there.
        caller = sys._getframe(1)
        self._made_at = (caller.f_code.co_filename, caller.f_lineno, caller.f_globals)
        #: The folder the application's module or package lives in.
        self.root_path = _root_path_of(package_name)
        #: Endpoint names mapped to their view functions.
        self.view_functions: dict[str, Callable[..., Any]] = {}
        #: Status codes mapped to the functions that handle them.
        self.error_handlers: dict[int, Callable[[Exception], Any]] = {}
        #: Functions called before each request, in this order.
        self.before_request_funcs: list[Callable[[], Any]] = []
        #: Functions called with the response after each request, in this
        #: order; each returns the response to send on.
        self.after_request_funcs: list[Callable[[Response], Response]] = []
        #: Functions called without arguments when a template is rendered;
        #: each returns a dict of extra template variables. The first one
        #: adds ``request``, ``session`` and ``g``.
        self.template_context_processors: list[Callable[[], dict[str, Any]]] = [_default_template_ctx_processor]
        #: The Werkzeug :class:`~werkzeug.routing.Map` of the URL rules.
        self.url_map: Map = _URLMap()
        # _send_plain's status lines and pages; render_template_string's templates.
        self._plain_parts: dict[Any, Any] = {}
        self._string_templates: dict[str, Template] = {}
        self._string_templates_size = 0
        if self.static_path is not None:
            # Served ahead of the application, as in 0.1: before_request
            # functions never see them. The rule only builds their URLs.
            self.add_url_rule(self.static_path + "/<path:filename>", "static", build_only=True)
            self.wsgi_app = _StaticFiles(self, self.wsgi_app)  # type: ignore[method-assign]

    # -- registration ------------------------------------------------------

    def add_url_rule(self, rule: str, endpoint: str, **options: Any) -> None:
        """Connect a URL rule to an endpoint. Like :meth:`route`, but the
        view function is not registered: put it in :attr:`view_functions`
        under the endpoint's name yourself.

        :param rule: the URL rule, such as ``'/user/<username>'``.
        :param endpoint: the endpoint's name; :meth:`route` uses the name
            of the view function.
        :param options: passed on to :class:`werkzeug.routing.Rule`
            (``methods``, ``strict_slashes``, ``subdomain``, ``defaults``...).
            Without ``methods`` the rule answers GET; HEAD is always added
            where GET is.
        """
        options.setdefault("methods", ("GET",))
        self.url_map.add(Rule(rule, endpoint=endpoint, **options))

    def route(self, rule: str, **options: Any) -> Callable[[F], F]:
        """A decorator that registers a view function for a URL rule::

            @app.route('/post/<int:post_id>')
            def show_post(post_id):
                return 'Post %d' % post_id

        Variable parts (``<name>``, or ``<converter:name>`` with the
        converters ``int``, ``float``, ``path`` and Werkzeug's others) are
        passed to the view as keyword arguments. A rule that ends in a slash
        redirects requests without it; a rule without one gives a 404 for
        requests with it. The endpoint is the function's name.

        :param rule: the URL rule.
        :param options: as for :meth:`add_url_rule`, most often
            ``methods=['GET', 'POST']``.
        """

        def decorator(f: F) -> F:
            existing = self.view_functions.get(f.__name__)
            if existing is not None and existing is not f:
                raise ValueError(
                    f"The endpoint {f.__name__!r} already belongs to another"
                    " view function; rename one of the functions.")
            self.add_url_rule(rule, f.__name__, **options)
            self.view_functions[f.__name__] = f
            return f

        return decorator

    def before_request(self, f: F) -> F:
        """Register a function to call, without arguments, before each
        request. If it returns something other than ``None``, that value
        is the response and the view is not called."""
        self.before_request_funcs.append(f)
        return f

    def after_request(self, f: F) -> F:
        """Register a function to call with the response after each
        request. It must return a response: the same one, changed or not,
        or a new one."""
        self.after_request_funcs.append(f)
        return f

    def context_processor(self, f: F) -> F:
        """Register a function that returns a dict of variables to add to
        the context of every rendered template."""
        self.template_context_processors.append(f)
        return f

    def errorhandler(self, code: int) -> Callable[[F], F]:
        """A decorator that registers a function to handle an HTTP error
        code. It is called with the exception and returns what a view
        would::

            @app.errorhandler(404)
            def page_not_found(error):
                return render_template('page_not_found.html'), 404

        A handler for 500 also receives unhandled exceptions when
        :attr:`debug` is off.

        :param code: the status code as an integer.
        """

        def decorator(f: F) -> F:
            self.error_handlers[code] = f
            return f

        return decorator

    # -- templates and resources -----------------------------------------

    def create_jinja_loader(self) -> FileSystemLoader:
        """Return the Jinja2 loader of the application's templates: the
        ``templates`` folder beside its module, or inside its package.
        Override it to load templates from elsewhere."""
        from jinja2 import FileSystemLoader

        return FileSystemLoader(os.path.join(self.root_path, "templates"))

    @cached_property
    def jinja_env(self) -> Environment:
        """The Jinja2 environment, made on first use (so that a subclass's
        :meth:`create_jinja_loader` and a changed :attr:`root_path` count)
        from :attr:`jinja_options`, with :func:`url_for` and
        :func:`get_flashed_messages` as globals. Templates changed on disk
        are reloaded in debug mode only, unless :attr:`jinja_options` sets
        ``auto_reload``."""
        from jinja2 import Environment

        # Outside debug mode a template is loaded once, not checked for
        # changes (a stat() of its file) at every render.
        options = {"auto_reload": self.debug, **self.jinja_options}
        env = Environment(loader=self.create_jinja_loader(), **options)
        env.globals.update(url_for=url_for, get_flashed_messages=get_flashed_messages)
        return env

    def update_template_context(self, context: dict[str, Any]) -> None:
        """Add what the :attr:`template_context_processors` return
        (``request``, ``session``, ``g`` and your own) to a template
        context, in place. Names the context already has are left alone,
        so a view's own variables win.

        :param context: the template variables.
        """
        extra: dict[str, Any] = {}
        for processor in self.template_context_processors:
            extra.update(processor())
        for key, value in extra.items():
            context.setdefault(key, value)

    def _compiled_template(self, source: str) -> Template:
        # render_template_string's templates, compiled once per source and
        # environment (Jinja2 caches named ones only), up to
        # _STRING_TEMPLATES_SIZE characters in all, least recently used out.
        env, cache = self.jinja_env, self._string_templates
        template = cache.pop(source, None)
        if template is not None:
            self._string_templates_size -= len(source)
        if template is None or template.environment is not env:
            template = env.from_string(source)
        if len(source) <= _STRING_TEMPLATES_SIZE:
            self._string_templates_size += len(source)
            while self._string_templates_size > _STRING_TEMPLATES_SIZE:
                oldest = next(iter(cache))
                del cache[oldest]
                self._string_templates_size -= len(oldest)
            cache[source] = template
        return template

    def open_resource(self, resource: str, mode: str = "r") -> Any:
        """Open a file of the application's, relative to :attr:`root_path`::

            with app.open_resource('schema.sql') as f:
                db.executescript(f.read())

        :param resource: the file's path, with forward slashes, inside
            :attr:`root_path`; a path that leads out of it (``..``, an
            absolute path) is a :exc:`ValueError`.
        :param mode: ``'r'`` (the default) reads UTF-8 text, ``'rb'`` bytes.
        """
        path = safe_join(self.root_path, resource)
        if path is None:
            raise ValueError(
                f"open_resource({resource!r}) leads out of the application's"
                f" folder {self.root_path!r}; resources are opened inside it")
        if "b" in mode:
            return open(path, mode)
        return open(path, mode, encoding="utf-8")

    # -- serving -----------------------------------------------------------

    def run(self, host: str = "localhost", port: int = 5000, **options: Any) -> None:
        """Serve the application on Werkzeug's development server. In debug
        mode it reloads on code changes and shows the interactive debugger
        on errors; never use it in production.

        :param host: the interface to listen on; ``'0.0.0.0'`` listens on
            all of them.
        :param port: the port to listen on.
        :param options: passed to :func:`werkzeug.serving.run_simple`;
            ``debug=True`` sets :attr:`debug`, and ``use_reloader`` and
            ``use_debugger`` default to it. ``threaded`` defaults to
            ``True``, so that one slow client does not hold up the others.
        """
        # Imported here: a CGI deployment pays for every import per request.
        from werkzeug.serving import run_simple

        if "debug" in options:
            self.debug = bool(options.pop("debug"))
        if "jinja_env" in self.__dict__ and "auto_reload" not in self.jinja_options:
            # A template rendered before run() made the environment.
            self.jinja_env.auto_reload = self.debug
        options.setdefault("use_reloader", self.debug)
        options.setdefault("use_debugger", self.debug)
        if options.get("processes", 1) == 1:
            options.setdefault("threaded", True)
        run_simple(host, port, self, **options)

    def test_client(self) -> Any:
        """Return a :class:`werkzeug.test.Client` for the application, which
        keeps cookies between requests. See the testing chapter."""
        from werkzeug.test import Client

        return Client(self, self.response_class, use_cookies=True)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """Call :meth:`wsgi_app`, so that middleware set on it applies."""
        try:
            return self.wsgi_app(environ, start_response)
        except Exception as e:
            # For the debugger or the log: the failing code's frames, not ours.
            raise e.with_traceback(_without_own_frames(e.__traceback__))

    # -- the path of a request ---------------------------------------------

    def wsgi_app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """The WSGI application itself. It is a separate method from
        ``__call__`` so that middleware can wrap it::

            app.wsgi_app = MyMiddleware(app.wsgi_app)

        A request goes through :meth:`request_context`,
        :meth:`preprocess_request` and :meth:`dispatch_request`, whose
        result (or, if they raise, what the error handler returns) goes
        through :meth:`make_response` and :meth:`process_response`.

        :param environ: the WSGI environment.
        :param start_response: the WSGI server's ``start_response``.
        """
        try:
            ctx = self.request_context(environ)
        except HTTPException as e:
            # A request too malformed to have a context (an invalid Host
            # header) gets its 4xx here instead of a 500 from the server.
            return e(environ, start_response)
        with ctx:
            try:
                rv = self.preprocess_request()
                if rv is None:
                    rv = self.dispatch_request()
            except Exception as e:
                # Whatever the handler returns is the answer: a refused
                # request never goes on to its view.
                rv = self._handle_exception(ctx, e)
            sent = self._send_plain(ctx, rv, start_response)
            if sent is not None:
                return sent
            response = self._finish_request(ctx, rv)
            return response(environ, start_response)

    def request_context(self, environ: dict[str, Any]) -> _RequestContext:
        """Return the request context of a WSGI environment, which binds
        :data:`request`, :data:`session` and :data:`g` for the duration of
        a ``with`` block::

            with app.request_context(environ):
                do_something_with(request)

        :param environ: a WSGI environment.
        """
        return _RequestContext(self, environ)

    def test_request_context(self, *args: Any, **kwargs: Any) -> _RequestContext:
        """Return a request context for a request made up from the given
        arguments, which are those of :class:`werkzeug.test.EnvironBuilder`
        (path, base_url, method, data, headers...)::

            with app.test_request_context('/hello', method='POST'):
                assert request.method == 'POST'
        """
        from werkzeug.test import create_environ

        return self.request_context(create_environ(*args, **kwargs))

    def preprocess_request(self) -> Any:
        """Call the :meth:`before_request` functions in order. If one returns
        a value, stop and return it: it becomes the response, as if a view
        had returned it."""
        for func in self.before_request_funcs:
            rv = func()
            if rv is not None:
                return rv
        return None

    def match_request(self) -> tuple[str, dict[str, Any]]:
        """Return the endpoint and view arguments that the request's URL
        matched when its context was made (they are also on the request);
        raise the routing exception (a 404, 405 or redirect) if it matched
        nothing."""
        endpoint, view_args, error = _current_context()._routing
        if error is not None:
            raise error
        return cast(str, endpoint), cast("dict[str, Any]", view_args)

    def _bind_url_map(self, environ: dict[str, Any]) -> MapAdapter:
        # The one place that creates URL adapters: the request's own
        # (ctx.url_adapter) and the ones shared for matching. A subclass may
        # override it to bind differently, e.g. to a fixed server name.
        return self.url_map.bind_to_environ(environ)

    def dispatch_request(self) -> Any:
        """Call the view the URL matched. Return what the view returns,
        or, if matching failed or the view raises, what the matching error
        handler returns (the HTTP exception itself when there is none).
        That need not be a response object yet: :meth:`make_response`
        makes it one."""
        try:
            endpoint, values = self.match_request()
            return self.view_functions[endpoint](**values)
        except Exception as e:
            return self._handle_exception(_current_context(), e)

    def _handle_exception(self, ctx: _RequestContext, e: Exception) -> Any:
        # The one place where an exception becomes a handler's result. An
        # HTTP exception goes to the handler of its code (or is its own
        # page); anything else, including a handler that fails or returns
        # nothing, is a server error.
        if isinstance(e, HTTPException):
            if e.code not in self.error_handlers:
                return e
            try:
                return self._call_error_handler(e.code, e)
            except Exception as handler_error:
                e = handler_error
        if self.debug:
            raise e
        # Production: the traceback goes to the server's error log, never
        # into the response.
        self._log_exception(ctx, e)
        if 500 in self.error_handlers:
            try:
                return self._call_error_handler(500, e)
            except Exception as handler_error:
                self._log_exception(ctx, handler_error)
        return InternalServerError()

    def _call_error_handler(self, code: int, e: Exception) -> Any:
        handler = self.error_handlers[code]
        rv = handler(e)
        if rv is None:
            name = getattr(handler, "__qualname__", repr(handler))
            raise TypeError(
                f"The error handler {name!r} for status {code} returned None."
                " An error handler must return a response, as a view does.")
        return rv

    def _log_exception(self, ctx: _RequestContext, e: BaseException) -> None:
        errors = ctx.environ.get("wsgi.errors") or sys.stderr
        traceback.print_exception(type(e), e, e.__traceback__, file=errors)

    def _finish_request(self, ctx: _RequestContext, rv: Any) -> Response:
        # The one place where a result becomes the response to send. If
        # make_response or an after-request function fails, the error's
        # handler result is sent as it is: the after-request functions are
        # not run again on the response of their own failure.
        try:
            return self.process_response(self.make_response(rv))
        except Exception as e:
            rv = self._handle_exception(ctx, e)
        try:
            response = self.make_response(rv)
        except Exception as e:
            # The error handler returned something that is no response.
            if self.debug:
                raise
            self._log_exception(ctx, e)
            response = self.make_response(InternalServerError())
        # The session is not saved (saving may be what failed), but what
        # the handler sent may still depend on it.
        if ctx._session is not None:
            _add_headers(response, self._session_headers(ctx._session, cookie=False))
        return response

    def _send_plain(
        self, ctx: _RequestContext, rv: Any, start_response: Callable[..., Any]
    ) -> Iterable[bytes] | None:
        # The one shortcut: a str or bytes result, or the page of an HTTP
        # error no handler took, is sent without a response object when
        # nothing could see one (no after-request function, no overridden
        # method that takes a response, the stock response class); else
        # None. The status line comes from the response class, the rest as
        # on the full path (tests/test_plain_responses.py compares bytes).
        if (
            self.after_request_funcs or self.response_class is not Response
            or (type(self) is not Flask and _response_methods(type(self)) != _response_methods(Flask))
            or not self.__dict__.keys().isdisjoint(_RESPONSE_METHODS)
        ):
            return None
        environ, parts = ctx.environ, self._plain_parts
        if isinstance(rv, (str, bytes)):
            code, body, mimetype = 200, rv, Response.default_mimetype
            headers = [parts.get(mimetype) or parts.setdefault(
                mimetype, ("Content-Type", get_content_type(mimetype, "utf-8")))]
        elif (
            isinstance(rv, HTTPException) and type(rv).get_response is HTTPException.get_response
            and rv.response is None and isinstance(rv.code, int) and rv.code >= 400
        ):
            # A stock error page with its class's description is kept.
            stock = "description" not in vars(rv) and type(rv).get_body is HTTPException.get_body \
                and type(rv).get_description is HTTPException.get_description
            key = (type(rv), rv.code, rv.description)
            page = parts.get(key) if stock else None
            if page is None:
                page = rv.get_body(environ)
                if stock:
                    parts[key] = page
            code, headers, body = rv.code, list(rv.get_headers(environ)), page
        else:
            return None
        try:
            data = body.encode() if isinstance(body, str) else bytes(body)
            headers.append(("Content-Length", str(len(data))))
            if ctx._session is not None:
                headers += self._session_headers(ctx._session)
        except Exception:
            return None  # the full path meets the same error and handles it
        status = parts.get(code) or parts.setdefault(code, Response(status=code).status)
        start_response(status, headers)
        return _PlainBody() if environ["REQUEST_METHOD"] == "HEAD" else _PlainBody((data,))

    def make_response(self, rv: Any) -> Response:
        """Turn the return value of a view into a :attr:`response_class`
        object. Accepted are:

        - a :attr:`response_class` object, returned as it is;
        - a ``str`` (sent as UTF-8 HTML) or ``bytes``, the body;
        - a tuple, the arguments of :attr:`response_class`, such as
          ``(body, status)`` or ``(body, status, headers)``;
        - an HTTP exception or any other WSGI application, which is called
          and its response passed on as it streams (not buffered).

        Anything else, ``None`` included, is a :exc:`TypeError`.

        :param rv: the return value of the view.
        """
        if isinstance(rv, self.response_class):
            return rv
        if isinstance(rv, (str, bytes)):
            return self.response_class(rv)
        if isinstance(rv, tuple):
            return self.response_class(*rv)
        environ = _current_context().environ
        if isinstance(rv, HTTPException):
            rv = rv.get_response(environ)
        if callable(rv):
            return cast(Response, self.response_class.force_type(rv, environ))
        endpoint = _current_context()._routing[0]
        raise TypeError(
            f"The view function {endpoint!r} returned {type(rv).__name__}"
            f" ({rv!r:.40}), which is not a response. Return a response"
            " object, a str, bytes, a tuple or a WSGI application.")

    def process_response(self, response: Response) -> Response:
        """Pass the response through the :meth:`after_request` functions
        in order, each of which may replace it, then save the session if
        the request opened it.

        :param response: a :attr:`response_class` object.
        :return: the response to send, a :attr:`response_class` object.
        """
        for func in self.after_request_funcs:
            response = func(response)
        session = _current_context()._session
        if session is not None:
            self.save_session(session, response)
        return response

    # -- sessions ----------------------------------------------------------

    def open_session(self, request: Request) -> Session:
        """Load the session from the request's signed cookie. A missing,
        tampered, unreadable or expired (older than
        :attr:`session_lifetime`) cookie gives a new, empty session.
        Without a :attr:`secret_key` the session is empty and cannot be
        written.

        :param request: a :attr:`request_class` object.
        """
        if not self.secret_key:
            return _NullSession()
        cookie = request.cookies.get(self.session_cookie_name)
        if cookie:
            data = _load_session_cookie(self._session_keys(), cookie, self.session_lifetime)
            if isinstance(data, dict):
                return Session(data, new=False)
        return Session()

    def save_session(self, session: Session, response: Response) -> None:
        """Add ``Vary: Cookie`` to the response, since the page may depend
        on the session, and, if the session changed, its cookie (HttpOnly,
        SameSite=Lax, Secure if :attr:`session_cookie_secure` or its name
        asks for it) signed with :attr:`secret_key` and the time, or its
        deletion if it was emptied. :meth:`process_response` calls it when
        the request opened the session.

        :param session: the session to save.
        :param response: a :attr:`response_class` object.
        """
        _add_headers(response, self._session_headers(session))

    def _session_headers(self, session: Session, cookie: bool = True) -> list[tuple[str, str]]:
        # The one place that decides the headers a session adds to a
        # response, for save_session and _send_plain: the Vary header, and
        # (with ``cookie``) the Set-Cookie header of a changed session.
        if isinstance(session, _NullSession):
            return []  # always empty: nothing depends on the cookie
        headers = [("Vary", "Cookie")]
        if not (cookie and session.modified):
            return headers
        name = self.session_cookie_name
        options: dict[str, Any] = {
            "httponly": True, "samesite": "Lax", "max_size": self.response_class.max_cookie_size,
            # Browsers refuse a cookie of either prefix without Secure (our
            # cookie already has Path=/ and no Domain, as __Host- requires).
            "secure": self.session_cookie_secure or name.startswith(("__Secure-", "__Host-")),
        }
        if session:
            value = _dump_session_cookie(self._session_keys(signing=True), dict(session))
            headers.append(("Set-Cookie", dump_cookie(name, value, **options)))
        elif name in _current_context().request.cookies:
            headers.append(("Set-Cookie", dump_cookie(name, "", max_age=0, expires=0, **options)))
        return headers

    def _session_keys(self, signing: bool = False) -> tuple[Any, tuple[bytes, ...]]:
        # The session cookie's keys (_session_keys below), once checked: a
        # weak key warns when it signs, a weak fallback whenever it could
        # accept a cookie (not in debug mode).
        key, fallbacks = self.secret_key, self.secret_key_fallbacks
        if not key:
            raise RuntimeError(_NO_SECRET_KEY)
        if isinstance(fallbacks, (str, bytes)):
            raise TypeError("secret_key_fallbacks is a single key: assign a list of keys,"
                            " app.secret_key_fallbacks = [old_key]")
        checked = [("The session is signed with a secret key", key)] if signing else []
        for what, weak_key in checked + [("A key of secret_key_fallbacks", f) for f in fallbacks]:
            if not weak_key:
                raise ValueError(f"{what} is empty: set a long random value")
            weakness = None if self.debug else _weak_secret_key(weak_key)
            if weakness:  # once per application, attributed to where it was made
                filename, lineno, module_globals = self._made_at
                warnings.warn_explicit(
                    f"{what} that {weakness}: anyone who guesses it can sign sessions of their own."
                    " Set a long random value, read from the environment.", UserWarning, filename,
                    lineno, registry=module_globals.setdefault("__warningregistry__", {}))
        return _session_keys(key, tuple(fallbacks))


def _add_headers(response: Response, headers: list[tuple[str, str]]) -> None:
    # Add headers to a response; a Vary header joins the one it may have.
    for name, value in headers:
        if name == "Vary":
            response.vary.add(value)
        else:
            response.headers.add(name, value)


class _PlainBody(list[bytes]):
    __slots__ = ()  # the body _send_plain sends, with the close() the full path's has

    def close(self) -> None:
        pass


#: The methods of :class:`Flask` that see a response object: overriding
#: any of them (on a subclass or the instance) turns _send_plain off.
_RESPONSE_METHODS = ("make_response", "process_response", "save_session", "_finish_request", "_session_headers")
_response_methods = operator.attrgetter(*_RESPONSE_METHODS)


# -- the session cookie's format ---------------------------------------------
#
# The session is JSON, so that nothing in a cookie is ever unpickled or
# evaluated. Values JSON has no type for, which applications stored when
# 0.1 pickled the session, are "tagged": written as a one-key object whose
# key starts with a space, a key no application uses (a dict that happens to
# look like a tag is itself tagged). Dict keys that are not strings are
# tagged the same way, so that {1: 'one'} does not come back as {'1': 'one'}.


def _decimal(text: str) -> Any:
    from decimal import Decimal  # imported when the first is read back (see _tag)

    return Decimal(text)


_UNTAGGERS: dict[str, Callable[[Any], Any]] = {
    " m": Markup,
    " t": tuple,
    " b": lambda data: base64.b64decode(data.encode("ascii"), validate=True),
    " d": datetime.fromisoformat,
    " da": date.fromisoformat,
    " ti": time.fromisoformat,
    " td": lambda parts: timedelta(*parts),
    " s": set,
    " fs": frozenset,
    " dec": _decimal,
    " u": UUID,
    " di": dict,
}

_SESSION_TYPES = (
    "str, int, float, bool, None, list, dict, tuple, bytes, Markup, datetime,"
    " date, time, timedelta, set, frozenset, Decimal and UUID")


def _tag(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float)):
        return value
    # Markup is a str subclass: checked first, or it would come back as a
    # plain string and be escaped a second time in templates.
    if isinstance(value, Markup):
        return {" m": str(value)}
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if all(isinstance(key, str) for key in value):
            items = {key: _tag(item) for key, item in value.items()}
            if not (len(items) == 1 and next(iter(items)) in _UNTAGGERS):
                return items
        return {" di": [[_tag_key(key), _tag(item)] for key, item in value.items()]}
    if isinstance(value, list):
        return [_tag(item) for item in value]
    if isinstance(value, tuple):
        return {" t": [_tag(item) for item in value]}
    if isinstance(value, bytes):
        return {" b": base64.b64encode(value).decode("ascii")}
    # datetime is a date subclass: checked first, or it would lose its time.
    if isinstance(value, datetime):
        return {" d": value.isoformat()}
    if isinstance(value, date):
        return {" da": value.isoformat()}
    if isinstance(value, time):
        return {" ti": value.isoformat()}
    if isinstance(value, timedelta):
        return {" td": [value.days, value.seconds, value.microseconds]}
    if isinstance(value, (set, frozenset)):
        tag = " fs" if isinstance(value, frozenset) else " s"
        return {tag: [_tag(item) for item in value]}
    # The decimal module is imported only once something needs it (it
    # costs about as much to import as this module): until then, no value
    # can be a Decimal.
    decimal = sys.modules.get("decimal")
    if decimal is not None and isinstance(value, decimal.Decimal):
        return {" dec": str(value)}
    if isinstance(value, UUID):
        return {" u": value.hex}
    raise TypeError(f"a session cannot store {type(value).__name__} values; it stores {_SESSION_TYPES}")


def _tag_key(key: Any) -> Any:
    if key is None or isinstance(key, (str, bool, int, float, tuple)):
        return _tag(key)
    raise TypeError(
        f"a session cannot store dict keys of type {type(key).__name__}"
        f" ({key!r:.40}); keys may be str, int, float, bool, None or tuple")


def _untag(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        key, value = next(iter(obj.items()))
        untag = _UNTAGGERS.get(key)
        if untag is not None:
            return untag(value)
    return obj


# One encoder and one decoder serve every session cookie: json.dumps() and
# json.loads() build a new one on each call that passes options.
_session_encoder = json.JSONEncoder(separators=(",", ":"))
_session_decoder = json.JSONDecoder(object_hook=_untag)


def _session_dumps(session: dict[str, Any]) -> str:
    """The session as JSON, with the tags above."""
    try:
        return _session_encoder.encode(_tag(session))
    except TypeError:
        # Name the session key the value was stored under.
        for key, value in session.items():
            try:
                _tag(value)
            except TypeError as inner:
                raise TypeError(f"session[{key!r}]: {inner}") from None
        raise


# The cookie has the format of itsdangerous's URLSafeTimedSerializer:
# ``payload.timestamp.signature``, each part base64url without padding. The
# payload is the JSON, or the JSON zlib-compressed and marked with a
# leading dot when that is shorter; the timestamp is the signing time in
# seconds, as big-endian bytes; the signature is itsdangerous's HMAC-SHA256
# of ``payload.timestamp``, with a key derived from the secret key and the
# salt ``flask.session``. It is framed here in a few calls, not through the
# serializer's layers (twice as slow); tests/test_sessions.py checks that
# each reads the other's cookies, refuses the same changed ones, and that a
# cookie that is not compressed is byte for byte the serializer's.


@lru_cache(maxsize=16)
def _session_keys(secret_key: str | bytes, fallbacks: tuple[str | bytes, ...]) -> tuple[Any, tuple[bytes, ...]]:
    """itsdangerous's HMAC-SHA256 and the keys it signs session cookies
    with, derived from ``secret_key`` (the first, which signs) and the
    fallbacks (which are also accepted), once per set of keys."""
    from itsdangerous import Signer

    signer = Signer(secret_key, salt="flask.session", digest_method=hashlib.sha256)
    return signer.algorithm, tuple(signer.derive_key(key) for key in (secret_key, *fallbacks))


def _b64encode(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def _b64decode(data: bytes) -> bytes:
    return base64.urlsafe_b64decode(data + b"=" * (-len(data) % 4))


def _compress(data: bytes) -> bytes:
    # A 4 KiB window (no cookie is longer) and about 48 KiB of memory:
    # zlib's defaults allocate 256 KiB per call, which costs more than the
    # request when the allocator has given that memory back in between;
    # with less, zlib's blocks are too small for random text to shrink.
    compressor = zlib.compressobj(6, zlib.DEFLATED, 12, 6)
    return compressor.compress(data) + compressor.flush()


def _dump_session_cookie(keys: tuple[Any, tuple[bytes, ...]], session: dict[str, Any]) -> str:
    """The signed cookie value that holds ``session``, signed now."""
    data = _session_dumps(session).encode()
    payload = _b64encode(data)
    if len(data) >= 64:  # a shorter payload cannot shrink by much
        compressed = _compress(data)
        if len(compressed) < len(data) - 1:
            payload = b"." + _b64encode(compressed)
    now = int(_time.time())
    value = payload + b"." + _b64encode(now.to_bytes((now.bit_length() + 7) // 8, "big"))
    algorithm, derived = keys
    return (value + b"." + _b64encode(algorithm.get_signature(derived[0], value))).decode("ascii")


def _load_session_cookie(keys: tuple[Any, tuple[bytes, ...]], cookie: str, lifetime: timedelta) -> Any:
    """The data of a signed cookie value, or ``None`` if its signature is
    wrong, it is older than ``lifetime`` (or from the future), or it
    holds no session."""
    value, _, signature = cookie.encode("utf-8", "replace").rpartition(b".")
    algorithm, derived = keys
    try:
        mac = _b64decode(signature)
    except ValueError:
        return None
    if not any(algorithm.verify_signature(key, value, mac) for key in derived):
        return None
    payload, _, timestamp = value.rpartition(b".")
    try:
        age = int(_time.time()) - int.from_bytes(_b64decode(timestamp), "big")
        if not 0 <= age <= lifetime.total_seconds():
            return None
        if payload.startswith(b"."):
            return _session_decoder.decode(zlib.decompress(_b64decode(payload[1:])).decode())
        return _session_decoder.decode(_b64decode(payload).decode())
    except Exception:
        # Correctly signed but not decodable (another format): no session,
        # as itsdangerous treats it.
        return None


# Keys of documentation, Flask 0.1's and ours: anyone can sign with them.
_EXAMPLE_SECRET_KEYS = frozenset({
    "the secret key", "development key", "replace me with a long random value",
    "only for this example", "secret", "secret key", "dev", "default",
})


@lru_cache(maxsize=16)
def _weak_secret_key(secret_key: str | bytes) -> str | None:
    """Why a secret key is too weak to sign sessions in production, or
    ``None`` if it is not."""
    raw = secret_key.encode("utf-8") if isinstance(secret_key, str) else secret_key
    if raw.decode("utf-8", "replace") in _EXAMPLE_SECRET_KEYS:
        return "is an example key from the documentation"
    if len(raw) < 16:
        return "is shorter than 16 bytes"
    return None


class _StaticFiles(SharedDataMiddleware):
    """Werkzeug's middleware for shared files, serving an application's
    ``static`` folder ahead of it, as 0.1 did: a file there never reaches
    the application or its hooks; anything else (a missing file too) does.
    On top of Werkzeug's: the folder is looked up at each request, a
    symlink out of it is not followed, only GET and HEAD are served (HEAD
    without the file), and an untrusted Host gets the application's 400."""

    def __init__(self, app: Flask, wsgi_app: Callable[..., Iterable[bytes]]):
        super().__init__(wsgi_app, {})
        self.exports.append((str(app.static_path), self._load))
        self.flask_app = app
        # The prefix as it appears in a WSGI PATH_INFO (UTF-8 bytes as
        # latin-1 text): only a path that starts with it can be a file.
        self._raw_prefix = str(app.static_path).encode().decode("latin-1")

    def _load(self, filename: str | None) -> tuple[str | None, Any]:
        folder = os.path.join(self.flask_app.root_path, "static")
        path = safe_join(folder, filename) if filename else None
        if path is None or not os.path.isfile(path):
            return None, None
        if not os.path.realpath(path).startswith(os.path.realpath(folder) + os.sep):
            return None, None
        return os.path.basename(path), self._opener(path)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if not environ.get("PATH_INFO", "").startswith(self._raw_prefix) or method not in ("GET", "HEAD"):
            return self.app(environ, start_response)
        if self.flask_app.trusted_hosts is not None:
            try:
                get_host(environ, self.flask_app.trusted_hosts)
            except HTTPException as e:
                return e(environ, start_response)
        body = super().__call__(environ, start_response)
        if method == "HEAD":
            if hasattr(body, "close"):
                body.close()
            # Still an iterable with close(), as WSGI promises middleware.
            return ClosingIterator(())
        return body


def _default_template_ctx_processor() -> dict[str, Any]:
    """The first of :attr:`Flask.template_context_processors`: it makes
    ``request``, ``session`` and ``g`` template variables."""
    # The proxies: a template that never uses them does not make the
    # request object or open (verify) the cookie.
    return {"request": request, "session": session, "g": _current_context().g}


def _without_own_frames(tb: Any) -> Any:
    # A traceback without this module's frames, but for the last one (the
    # line that raised, when it is ours).
    frames: list[Any] = []
    while tb is not None:
        if tb.tb_frame.f_code.co_filename != __file__ or tb.tb_next is None:
            frames.append(tb)
        tb = tb.tb_next
    for outer, inner in zip(frames, frames[1:] + [None]):
        outer.tb_next = inner
    return frames[0] if frames else None


def _root_path_of(import_name: str) -> str:
    """The folder of a loaded module or package, or the working directory
    for one without a file (an interactive shell)."""
    module = sys.modules.get(import_name)
    filename: str | None = getattr(module, "__file__", None)
    return os.getcwd() if filename is None else os.path.dirname(os.path.abspath(filename))


#: The request being handled (see :class:`Request`).
request = cast(Request, _request_ctx_stack("request", unbound_message=_NO_CONTEXT))

#: The session of the current request (see :class:`Session`).
session = cast(Session, _request_ctx_stack("session", unbound_message=_NO_CONTEXT))

#: A namespace for data that lives as long as the current request.
g = cast(Any, _request_ctx_stack("g", unbound_message=_NO_CONTEXT))

#: The application handling the current request (see :class:`Flask`).
current_app = cast(Flask, _request_ctx_stack("app", unbound_message=_NO_CONTEXT))


def _main(argv: list[str]) -> int:
    # python -m flask: which flask.py this is, and "run" to serve an app.
    import argparse
    import importlib

    usage = "python -m flask run MODULE[:APP] [--host HOST] [--port PORT] [--debug]"
    parser = argparse.ArgumentParser(prog="python -m flask", usage=usage)
    parser.add_argument("command", nargs="?", choices=["run"])
    parser.add_argument("app", nargs="?", metavar="MODULE[:APP]", default="app")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--debug", action="store_true")
    args = parser.parse_args(argv)
    print(f"flask.py {__version__} (the Flask 0.1 API) at {os.path.abspath(__file__)}")
    if args.command is None:
        print(f"usage: {usage}")
        return 0
    sys.path.insert(0, os.getcwd())  # where the application's module is
    found = getattr(importlib.import_module("flask"), "__file__", None) or "?"
    if os.path.abspath(found) != os.path.abspath(__file__):
        print(f"but 'import flask' finds {found}, another Flask: the application would run"
              " on that one. Remove it from this environment or this folder.", file=sys.stderr)
        return 1
    module, _, name = args.app.partition(":")
    getattr(importlib.import_module(module), name or "app").run(args.host, args.port, debug=args.debug)
    return 0


if __name__ == "__main__":  # pragma: no cover (run in a process of its own)
    sys.exit(_main(sys.argv[1:]))
