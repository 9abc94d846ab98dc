"""
flask
=====

A microframework for Python web applications, built on Werkzeug for HTTP
and routing, Jinja2 for templates and itsdangerous for signed cookies.

This module is the whole framework. Read it from top to bottom: the request
and response classes, the request context and its stack, the helper
functions that views call, the :class:`Flask` application object in the
order a request travels through it, and the context-local proxies
``request``, ``session`` and ``g``.

The last section, "the direct path", can be skipped on a first reading. It
makes requests cheaper by skipping work that nothing can observe: matching
with a URL adapter shared by similar requests, and sending a str or bytes
result (or a plain 404 or 405) straight to the WSGI server when no hook,
override or response class could see a response object. What is sent is
byte for byte what the full path sends; a differential test checks it.

:license: BSD-3-Clause, see LICENSE for details.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import sys
import traceback
from datetime import datetime
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any, Callable, Iterable, TypeVar
from urllib.parse import parse_qsl

from markupsafe import Markup, escape
from werkzeug.datastructures import CallbackDict
from werkzeug.exceptions import (
    HTTPException, InternalServerError, MethodNotAllowed, NotFound, abort,
)
from werkzeug.local import LocalStack
from werkzeug.routing import Map, MapAdapter, Rule
from werkzeug.http import dump_cookie
from werkzeug.sansio.http import parse_cookie
from werkzeug.security import safe_join
from werkzeug.utils import redirect, send_file
from werkzeug.wrappers import Request as _WerkzeugRequest
from werkzeug.wrappers import Response as _WerkzeugResponse

# Jinja2 and itsdangerous are imported where they are first needed (the
# first template, the first session cookie): a process that serves a
# single request, as under CGI, only pays for what that request uses.
if TYPE_CHECKING:
    from itsdangerous import Signer, URLSafeSerializer
    from jinja2 import Environment, FileSystemLoader

__version__ = "0.1.1"

__all__ = [
    "Flask", "Request", "Response", "request", "session", "g", "url_for",
    "flash", "get_flashed_messages", "render_template",
    "render_template_string", "abort", "redirect", "escape", "Markup",
]

F = TypeVar("F", bound=Callable[..., Any])


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

    @cached_property
    def args(self) -> Any:
        """The parsed query string, as Werkzeug's ``args``, except that raw
        bytes which are not UTF-8 (a client may send them unencoded) stay
        percent-encoded, like encoded ones do, instead of raising an error
        that would turn a malformed URL into a 500."""
        query = self.query_string.decode("utf-8", "werkzeug.url_quote")
        pairs = parse_qsl(query, keep_blank_values=True, errors="werkzeug.url_quote")
        return self.parameter_storage_class(pairs)

    @cached_property
    def cookies(self) -> Any:
        """The cookies the client sent, parsed exactly as Werkzeug's
        ``cookies`` are, but read straight from the environ's
        ``HTTP_COOKIE``: Werkzeug finds that header by walking the whole
        environ, and the session needs it on every request."""
        return parse_cookie(self.environ.get("HTTP_COOKIE", ""), cls=self.dict_storage_class)


class Response(_WerkzeugResponse):
    """The response object used by default: Werkzeug's response with an
    HTML mimetype unless told otherwise.

    Views rarely build one themselves, :meth:`Flask.make_response` turns
    their return value into one. To use a subclass of your own, set
    :attr:`Flask.response_class` to it.
    """

    default_mimetype = "text/html"


class _SessionJSON:
    """JSON for session cookies that also keeps the few values JSON cannot
    hold but applications commonly store: tuples, bytes, :class:`Markup`
    and :class:`~datetime.datetime` objects.

    Such a value becomes a one-key object whose key starts with a space
    (no application uses such keys, and a dict that happens to look like a
    tag is itself tagged), so nothing is ever unpickled or evaluated.
    """

    def dumps(self, value: Any) -> str:
        return _session_encoder.encode(_tag(value))

    def loads(self, data: str) -> Any:
        return _session_decoder.decode(data)


def _tag(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, Markup):
        return {" m": str(value)}
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        items = {key: _tag(item) for key, item in value.items()}
        if len(items) == 1 and next(iter(items)) in _UNTAGGERS:
            return {" di": [[key, item] for key, item in items.items()]}
        return items
    if isinstance(value, (list, tuple)):
        items = [_tag(item) for item in value]
        return {" t": items} if isinstance(value, tuple) else items
    if isinstance(value, bytes):
        return {" b": base64.b64encode(value).decode("ascii")}
    if isinstance(value, datetime):
        return {" d": value.isoformat()}
    raise TypeError(
        f"a session cannot store {type(value).__name__} values; use strings,"
        " numbers, lists, dicts, tuples, bytes, Markup or datetimes"
    )


_UNTAGGERS: dict[str, Callable[[Any], Any]] = {
    " m": Markup,
    " t": tuple,
    " b": lambda data: base64.b64decode(data.encode("ascii"), validate=True),
    " d": datetime.fromisoformat,
    " di": dict,
}


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


class Session(CallbackDict):
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


def _mark_modified(session: Session) -> None:
    session.modified = True


class _NullSession(Session):
    """The session of an application without a :attr:`Flask.secret_key`:
    it can be read (it is always empty) but any change is an error, since
    nothing could be signed."""

    def _fail(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(
            "The session is unavailable because the application has no"
            " secret_key. Set app.secret_key to a long random value."
        )

    __setitem__ = __delitem__ = clear = pop = popitem = _fail
    setdefault = update = __ior__ = _fail


class _RequestGlobals:
    """A plain namespace, one per request, for whatever views want to keep
    until the request ends (a database connection, the current user)."""


class _RequestContext:
    """Everything that belongs to one request: the application, the
    request object, the URL adapter, the session and ``g``.

    It is pushed on :data:`_request_ctx_stack` for the duration of a
    ``with`` block; see :meth:`Flask.request_context`.
    """

    def __init__(self, app: Flask, environ: dict[str, Any]):
        self.app = app
        self.request = app.request_class(environ)
        # Matching uses an adapter shared with similar requests; a Host
        # header that cannot be bound is a 400 from here.
        self._match_adapter = _shared_url_adapter(app, environ)
        self.g = _RequestGlobals()
        self.flashes: list[Any] | None = None
        self._session: Session | None = None
        self._preserved = False

    @cached_property
    def url_adapter(self) -> MapAdapter:
        # Documented in docs/api.rst. Made on first use: most requests
        # never build a URL, and matching uses a shared adapter.
        return self.app._bind_url_map(self.request.environ)

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
            _request_ctx_stack.pop()
        _request_ctx_stack.push(self)

    def pop(self) -> None:
        """Unbind this context again."""
        _request_ctx_stack.pop()

    def __enter__(self) -> _RequestContext:
        self.push()
        return self

    def __exit__(self, exc_type: Any, exc_value: Any, tb: Any) -> None:
        # In debug mode the context of a request that failed stays bound,
        # so the interactive debugger can still inspect request and g.
        if exc_type is not None and self.app.debug:
            self._preserved = True
        else:
            self.pop()


#: The stack of active request contexts. Its ``top`` is the context of the
#: request being handled in this thread, greenlet or task, with ``app``,
#: ``request``, ``session``, ``g`` and ``url_adapter`` attributes.
_request_ctx_stack = LocalStack()

_NO_CONTEXT = (
    "Working outside of a request context: this needs an active request."
    " Use app.test_request_context() in tests and interactive shells."
)


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

    :param source: the template's source code.
    :param context: variables for the template, as in
        :func:`render_template`.
    """
    app = _current_context().app
    app.update_template_context(context)
    return _compiled_template(app.jinja_env, source).render(context)


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

    #: The name of the session cookie.
    session_cookie_name: str = "session"

    #: Options passed as they are to the Jinja2 :class:`~jinja2.Environment`.
    jinja_options: dict[str, Any] = {"autoescape": True}

    def __init__(self, package_name: str):
        #: In debug mode unhandled exceptions propagate to the debugger and
        #: the development server reloads on code changes. Never enable it
        #: on a production server: the debugger runs arbitrary code.
        self.debug = False
        #: The name of the application's module or package. Do not change it.
        self.package_name = package_name
        #: The folder the application's module or package lives in.
        self.root_path = _root_path_of(package_name)
        #: The key that signs the session cookie. Without one, the session
        #: can be read (it is empty) but not written.
        self.secret_key: str | bytes | None = None
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
        #: each returns a dict of extra template variables.
        self.template_context_processors: list[Callable[[], dict]] = []
        #: The Werkzeug :class:`~werkzeug.routing.Map` of the URL rules.
        self.url_map = Map()
        # (secret_key, serializer, signer), see _session_signing().
        self._signing: tuple[Any, URLSafeSerializer, Signer] | None = None
        # See "The direct path" at the end of the module.
        self._url_adapters: dict[tuple, MapAdapter] = {}
        self._direct_plan: _DirectPlan | None = None
        if self.static_path is not None:
            self.add_url_rule(self.static_path + "/<path:filename>", "static")
            self.view_functions["static"] = self._send_static_file

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
                    " view function; rename one of the functions."
                )
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
        :func:`get_flashed_messages` as globals."""
        from jinja2 import Environment

        env = Environment(loader=self.create_jinja_loader(), **self.jinja_options)
        env.globals.update(url_for=url_for, get_flashed_messages=get_flashed_messages)
        return env

    def update_template_context(self, context: dict[str, Any]) -> None:
        """Add ``request``, ``session``, ``g`` and what the context
        processors return to a template context, in place. Names the
        context already has are left alone, so a view's own variables win.

        :param context: the template variables.
        """
        ctx = _current_context()
        extra = {"request": ctx.request, "session": ctx.session, "g": ctx.g}
        for processor in self.template_context_processors:
            extra.update(processor())
        for key, value in extra.items():
            context.setdefault(key, value)

    def open_resource(self, resource: str, mode: str = "r") -> Any:
        """Open a file of the application's, relative to :attr:`root_path`::

            with app.open_resource('schema.sql') as f:
                db.executescript(f.read())

        :param resource: the file's path, with forward slashes.
        :param mode: ``'r'`` (the default) reads UTF-8 text, ``'rb'`` bytes.
        """
        path = os.path.join(self.root_path, *resource.split("/"))
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
            ``use_debugger`` default to it.
        """
        # Imported here: only the development server needs it, and a CGI
        # deployment pays for every import on every request.
        from werkzeug.serving import run_simple

        if "debug" in options:
            self.debug = bool(options.pop("debug"))
        options.setdefault("use_reloader", self.debug)
        options.setdefault("use_debugger", self.debug)
        run_simple(host, port, self, **options)

    def test_client(self) -> Any:
        """Return a :class:`werkzeug.test.Client` for the application, which
        keeps cookies between requests. See the testing chapter."""
        from werkzeug.test import Client

        return Client(self, self.response_class, use_cookies=True)

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        """Call :meth:`wsgi_app`, so that middleware set on it applies."""
        return self.wsgi_app(environ, start_response)

    # -- the path of a request ---------------------------------------------

    def wsgi_app(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        """The WSGI application itself. It is a separate method from
        ``__call__`` so that middleware can wrap it::

            app.wsgi_app = MyMiddleware(app.wsgi_app)

        A request goes through :meth:`request_context`,
        :meth:`preprocess_request` and :meth:`dispatch_request`, whose
        result (or, if they raise, what the error handler returns) goes
        through :meth:`make_response` and :meth:`process_response`.

        :param environ: the WSGI environment.
        :param start_response: the WSGI server's callable that starts the
            response.
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
            # A result that nothing could observe as a response object is
            # sent without making one (see "The direct path" at the end).
            sent = _send_directly(self, ctx, rv, environ, start_response)
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
        """Match the request's URL against the URL map. Store the endpoint
        and view arguments on the request and return them; on failure,
        store the exception on the request and raise it."""
        ctx = _current_context()
        req = ctx.request
        environ = req.environ
        try:
            # The request's own path, method and query string (for
            # redirects), with the adapter it shares with similar requests.
            req.endpoint, req.view_args = ctx._match_adapter.match(
                _wsgi_text(environ, "PATH_INFO", "/"),
                environ["REQUEST_METHOD"],
                query_args=_wsgi_text(environ, "QUERY_STRING", ""),
            )
        except HTTPException as e:
            req.routing_exception = e
            raise
        return req.endpoint, req.view_args

    def _bind_url_map(self, environ: dict[str, Any]) -> MapAdapter:
        # The one place that creates URL adapters: the request's own
        # (ctx.url_adapter) and the ones shared for matching. A subclass may
        # override it to bind differently, e.g. to a fixed server name.
        return self.url_map.bind_to_environ(environ)

    def dispatch_request(self) -> Any:
        """Match the URL and call the view. Return what the view returns,
        or, if it raises, what the matching error handler returns (the
        HTTP exception itself when there is none). That need not be a
        response object yet: :meth:`make_response` makes it one."""
        ctx = _current_context()
        try:
            endpoint, values = self.match_request()
            return self.view_functions[endpoint](**values)
        except Exception as e:
            return self._handle_exception(ctx, e)

    def _handle_exception(self, ctx: _RequestContext, e: Exception) -> Any:
        # The one place where an exception becomes a handler's result. An
        # HTTP exception goes to the handler of its code (or is its own
        # page); anything else, including a handler that fails or returns
        # nothing, is a server error.
        if isinstance(e, HTTPException) and e.code in self.error_handlers:
            try:
                return self._call_error_handler(e.code, e)
            except Exception as handler_error:
                e = handler_error
        elif isinstance(e, HTTPException):
            return e
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
                " An error handler must return a response, as a view does."
            )
        return rv

    def _log_exception(self, ctx: _RequestContext, e: BaseException) -> None:
        errors = ctx.request.environ.get("wsgi.errors") or sys.stderr
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
            return self.make_response(rv)
        except Exception as e:
            # The error handler returned something that is no response.
            if self.debug:
                raise
            self._log_exception(ctx, e)
            return self.make_response(InternalServerError())

    def make_response(self, rv: Any) -> Response:
        """Turn the return value of a view into a :attr:`response_class`
        object. Accepted are:

        - a :attr:`response_class` object, returned as it is;
        - a ``str`` (sent as UTF-8 HTML) or ``bytes``, the body;
        - a tuple, the arguments of :attr:`response_class`, such as
          ``(body, status)`` or ``(body, status, headers)``;
        - an HTTP exception or any other WSGI application, which is called
          and its response buffered.

        Anything else, ``None`` included, is a :exc:`TypeError`.

        :param rv: the return value of the view.
        """
        if isinstance(rv, self.response_class):
            return rv
        if isinstance(rv, (str, bytes)):
            return self.response_class(rv)
        if isinstance(rv, tuple):
            return self.response_class(*rv)
        environ = _current_context().request.environ
        if isinstance(rv, HTTPException):
            return self.response_class.force_type(rv.get_response(environ))
        if callable(rv):
            return self.response_class.force_type(rv, environ)
        endpoint = _current_context().request.endpoint
        raise TypeError(
            f"The view function {endpoint!r} returned {type(rv).__name__}"
            f" ({rv!r:.40}), which is not a response. Return a response"
            " object, a str, bytes, a tuple or a WSGI application."
        )

    def process_response(self, response: Response) -> Response:
        """Pass the response through the :meth:`after_request` functions
        in order, each of which may replace it, then save the session.

        :param response: a :attr:`response_class` object.
        :return: the response to send, a :attr:`response_class` object.
        """
        for func in self.after_request_funcs:
            response = func(response)
        ctx = _current_context()
        if ctx._session is not None and ctx._session.modified:
            self.save_session(ctx._session, response)
        return response

    # -- sessions ----------------------------------------------------------

    def open_session(self, request: Request) -> Session:
        """Load the session from the request's signed cookie. A missing,
        tampered or unreadable cookie gives a new, empty session. Without a
        :attr:`secret_key` the session is empty and cannot be written.

        :param request: a :attr:`request_class` object.
        """
        if not self.secret_key:
            return _NullSession()
        cookie = request.cookies.get(self.session_cookie_name)
        if cookie:
            from itsdangerous import BadData

            serializer, signer = self._session_signing()
            try:
                data = serializer.load_payload(signer.unsign(cookie))
            except BadData:
                data = None
            if isinstance(data, dict):
                return Session(data, new=False)
        return Session()

    def save_session(self, session: Session, response: Response) -> None:
        """Store a changed session in the response's cookie (HttpOnly,
        SameSite=Lax), or delete the cookie if the session was emptied.
        :meth:`process_response` calls it only when the session changed.

        :param session: the session to save.
        :param response: a :attr:`response_class` object.
        """
        if session:
            response.set_cookie(
                self.session_cookie_name, self._session_cookie_value(session),
                **self._session_cookie_options(),
            )
        elif self.session_cookie_name in _current_context().request.cookies:
            response.delete_cookie(
                self.session_cookie_name, **self._session_cookie_options()
            )

    def _session_cookie_value(self, session: Session) -> str:
        serializer, signer = self._session_signing()
        return signer.sign(serializer.dump_payload(dict(session))).decode("ascii")

    def _session_cookie_options(self) -> dict[str, Any]:
        # The attributes of the session cookie, as save_session sets them
        # and the direct path writes them.
        return {"httponly": True, "samesite": "Lax"}

    def _session_signing(self) -> tuple[URLSafeSerializer, Signer]:
        # The serializer encodes the session (JSON, base64, zlib when that
        # is shorter) and the signer signs it. Both are built once per key
        # rather than per cookie (the serializer's own dumps() and loads()
        # build a new signer every time); the key may be set or changed at
        # any time after the application was created.
        if self._signing is None or self._signing[0] != self.secret_key:
            from itsdangerous import URLSafeSerializer

            serializer = URLSafeSerializer(
                self.secret_key,
                salt="flask.session",
                serializer=_SessionJSON(),
                signer_kwargs={"digest_method": hashlib.sha256},
            )
            signer = _derive_keys_once(serializer.make_signer())
            self._signing = (self.secret_key, serializer, signer)
        return self._signing[1], self._signing[2]

    # -- static files --------------------------------------------------------

    def _send_static_file(self, filename: str) -> Response:
        # safe_join refuses "..", absolute paths and the like; the realpath
        # check also refuses symlinks that lead out of the static folder.
        folder = os.path.join(self.root_path, "static")
        path = safe_join(folder, filename)
        if path is None or not os.path.isfile(path):
            raise NotFound()
        if not os.path.realpath(path).startswith(os.path.realpath(folder) + os.sep):
            raise NotFound()
        return send_file(
            path, _current_context().request.environ, response_class=self.response_class
        )


def _root_path_of(import_name: str) -> str:
    """The folder of a loaded module or package, or the working directory
    for one without a file (an interactive shell)."""
    module = sys.modules.get(import_name)
    filename = getattr(module, "__file__", None)
    if filename is None:
        return os.getcwd()
    return os.path.dirname(os.path.abspath(filename))


#: The request being handled (see :class:`Request`).
request: Request = _request_ctx_stack("request", unbound_message=_NO_CONTEXT)

#: The session of the current request (see :class:`Session`).
session: Session = _request_ctx_stack("session", unbound_message=_NO_CONTEXT)

#: A namespace for data that lives as long as the current request.
g: Any = _request_ctx_stack("g", unbound_message=_NO_CONTEXT)


# -- The direct path: work skipped when nothing can observe it -----------------
#
# Everything below only makes requests cheaper; a first reading can stop
# here. Each shortcut skips work whose result nobody could see, and the
# bytes sent are the same as without it (tests/test_direct_path.py sends
# a few hundred requests both ways and compares them).
#
# - Matching reuses one URL adapter per host, scheme, script name and
#   method instead of binding the map anew for every request; the
#   request's own adapter (ctx.url_adapter) is only made for url_for.
# - A view result of str or bytes, or a plain 404 or 405 from routing, goes
#   straight to the WSGI server when no after-request function, overridden
#   method or other response class could see the response object.
# - The session's signing key is derived once per secret key, and
#   render_template_string compiles each source once.

#: The environ keys a URL adapter depends on besides the path and query
#: string, which are passed to it at every match.
_ADAPTER_KEY = (
    "HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "wsgi.url_scheme", "SCRIPT_NAME",
    "REQUEST_METHOD", "HTTP_CONNECTION", "HTTP_UPGRADE",
)


def _shared_url_adapter(app: Flask, environ: dict[str, Any]) -> MapAdapter:
    key = tuple(map(environ.get, _ADAPTER_KEY))
    adapters = app._url_adapters
    adapter = adapters.get(key)
    if adapter is None or adapter.map is not app.url_map:
        adapter = app._bind_url_map(environ)
        # Only the stock binding is known to depend on nothing else in the
        # environ. The Host header is the client's choice: keep a bounded
        # number of adapters.
        if (
            type(app)._bind_url_map is Flask._bind_url_map
            and type(app.url_map).bind_to_environ is Map.bind_to_environ
        ):
            if len(adapters) >= 64:
                adapters.clear()
            adapters[key] = adapter
    return adapter


def _wsgi_text(environ: dict[str, Any], name: str, default: str) -> str:
    # A WSGI string holds the request's bytes as latin-1; decode them as
    # UTF-8, as Werkzeug does when it binds a map to an environ.
    value = environ.get(name)
    if value is None:
        return default
    return value.encode("latin-1").decode("utf-8", "replace")


class _DirectBody(list):
    """The body of a response sent directly: a list of byte strings with
    the ``close()`` that WSGI servers and middleware may call."""

    __slots__ = ()

    def close(self) -> None:
        pass


class _DirectPlan:
    # What the direct path may do for one state of an application, worked
    # out once by asking the response class itself (so nothing here
    # repeats Werkzeug's rules): the status line and Content-Type of a str
    # or bytes body, and the responses of routing's plain 404 and 405.

    def __init__(self, app: Flask, key: tuple):
        self.key = key
        self.status = ""
        self.content_type: tuple[str, str] | None = None
        self.routing_errors: dict[tuple, tuple[str, list, bytes]] = {}
        overridden = [
            name for name in _UNOBSERVED
            if getattr(type(app), name) is not _UNOBSERVED[name] or name in app.__dict__
        ]
        if overridden or app.response_class is not Response:
            return
        # A str and a bytes body must both come out as the body with a
        # Content-Type and a Content-Length, the only headers sent directly.
        environ = {"REQUEST_METHOD": "GET"}
        (text, status, headers), (raw, _, raw_headers) = (
            Response(body).get_wsgi_response(environ) for body in ("x", b"x")
        )
        if (
            list(text) == list(raw) == [b"x"] and headers == raw_headers
            and [name for name, _ in headers] == ["Content-Type", "Content-Length"]
            and headers[1][1] == "1"
        ):
            self.status, self.content_type = status, headers[0]


#: The methods that see the response object, as this module defines them.
_UNOBSERVED = {
    "make_response": Flask.make_response,
    "process_response": Flask.process_response,
    "save_session": Flask.save_session,
    "_finish_request": Flask._finish_request,
}


def _send_directly(
    app: Flask, ctx: _RequestContext, rv: Any, environ: dict[str, Any], start_response: Callable
) -> _DirectBody | None:
    """Send ``rv`` without a response object and return the body, or
    return ``None`` when the full path must make the response."""
    if app.after_request_funcs:
        return None
    cls = type(app)
    # Checked on every request, so that an override made at any time
    # counts: a new instance attribute changes the dict's length.
    key = (
        cls, app.response_class, len(app.__dict__), cls.make_response,
        cls.process_response, cls.save_session, cls._finish_request,
    )
    plan = app._direct_plan
    if plan is None or plan.key != key:
        plan = app._direct_plan = _DirectPlan(app, key)
    if plan.content_type is None:
        return None
    session = ctx._session
    cookie = None
    if session is not None and session.modified:
        if not session or not isinstance(rv, (str, bytes)):
            return None
        try:
            value = app._session_cookie_value(session)
        except Exception:
            return None  # the full path reports the error
        cookie = dump_cookie(
            app.session_cookie_name, value, max_size=Response.max_cookie_size,
            **app._session_cookie_options(),
        )
    if isinstance(rv, (str, bytes)):
        try:
            data = rv.encode() if isinstance(rv, str) else bytes(rv)
        except UnicodeError:
            return None  # the full path reports the error
        headers = [plan.content_type, ("Content-Length", str(len(data)))]
        if cookie is not None:
            headers.append(("Set-Cookie", cookie))
        start_response(plan.status, headers)
        return _DirectBody() if environ["REQUEST_METHOD"] == "HEAD" else _DirectBody((data,))
    if (type(rv) is NotFound or type(rv) is MethodNotAllowed) and rv is ctx.request.routing_exception:
        return _send_routing_error(app, plan, ctx, rv, environ, start_response)
    return None


def _send_routing_error(
    app: Flask, plan: _DirectPlan, ctx: _RequestContext, rv: HTTPException,
    environ: dict[str, Any], start_response: Callable,
) -> _DirectBody:
    # The page of a 404 or 405 depends only on what is in the key: the
    # first one is made by the full path and remembered. The URL rules
    # bound the number of keys, whatever clients send.
    methods = getattr(rv, "valid_methods", None)
    key = (
        type(rv), rv.description, tuple(methods) if methods else None,
        environ["REQUEST_METHOD"] == "HEAD",
    )
    sent = plan.routing_errors.get(key)
    if sent is None:
        captured: list[Any] = []

        def capture(status: str, headers: list, exc_info: Any = None) -> Callable:
            captured[:] = [status, headers]
            return captured.append

        result = app._finish_request(ctx, rv)(environ, capture)
        try:
            body = b"".join(result)
        finally:
            result.close()  # type: ignore[attr-defined]
        sent = plan.routing_errors[key] = (captured[0], captured[1], body)
    start_response(sent[0], list(sent[1]))
    return _DirectBody((sent[2],) if sent[2] else ())


def _derive_keys_once(signer: Signer) -> Signer:
    # itsdangerous derives the signing key from the secret key (a hash) on
    # every sign and verify; the result only depends on the secret key.
    signer.derive_key = lru_cache(maxsize=8)(signer.derive_key)  # type: ignore[method-assign]
    return signer


@lru_cache(maxsize=256)
def _compiled_template(env: Environment, source: str) -> Any:
    # render_template_string's templates, compiled once per environment
    # and source; the Jinja2 environment itself only caches named ones.
    return env.from_string(source)
