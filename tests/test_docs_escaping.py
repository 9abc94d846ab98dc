"""Every application among the documentation's examples is scanned for
cross-site scripting: a script payload goes into every place a client
controls that the example's code reads, and no response may carry the
payload back as live markup.

The examples are the ones tests/test_docs_blocks.py runs (the quickstart,
patterns and deployment chapters), written to a temporary folder by its
``materialize`` fixture. Nothing here lists the fields of an example: the
scan learns them by watching the example's own code. Each request object
is of a subclass whose ``args``, ``form``, ``files``, ``cookies`` and
``headers`` note every name looked up in them by code that lives in the
example's folder (a view, or a template there); the framework's own
lookups, such as the session cookie, are not noted. For each URL rule
and method, the scan sends the payload

* in every variable part of the URL that accepts it,
* under every name noted so far, as a query argument, a form field, an
  uploaded file (as its name and its contents), a cookie and a header,

and repeats while the example reads names it has not been sent yet (a
view may look at a second field only when the first one is there). After
each request, the same client (which keeps its cookies, and with them the
session) fetches every page once more, so that input stored by one
request and shown by another is caught as well.

The setup of each example is the one its chapter gives: ``SECRET_KEY`` in
the environment, the chapter's interactive sessions run first (they
create the databases), and for the example whose pages differ for a
logged-in user, a second scan logged in as the user the example defines.
"""
import importlib.util
import io
import os
import re
import secrets
import sys
from pathlib import Path
from urllib.parse import unquote

import jinja2
import pytest
import werkzeug.datastructures
from werkzeug.datastructures import EnvironHeaders, ImmutableMultiDict, MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

import flask
from test_docs_blocks import (  # noqa: F401 (materialize is a fixture)
    ALL_BLOCKS, UNHEALTHY, health_answer, materialize, run_session)

#: What the scan sends. Each must come back escaped: its markup, from the
#: first "<" on, may not appear in a response as it was sent. They have
#: no slash except the first, so that the others fit a URL variable
#: that stops at slashes.
PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
]

#: Examples with a logged-in side: the login form and the user the
#: example's own code defines (deployment.rst, "Logging out everywhere").
LOGINS = {
    "revoke": [("/login", {"user": "ann", "password": "correct horse"})],
}

#: The 5xx answers that are an example's documented reply, not a server
#: error: {(example, endpoint): what the answer must be, as
#: test_docs_blocks.health_answer describes it}. Only the view of that
#: endpoint may give it, and only exactly so (status, body, type,
#: no-store, no cookie); any other 5xx of the example, or another answer
#: of that view's with a 5xx status, is still a server error.
DOCUMENTED_5XX = {
    # patterns.rst, "Health checks": the scan serves the example without
    # the database its chapter has you create, and the check's documented
    # answer for a missing database is 503 "unavailable".
    ("healthz", "healthz"): UNHEALTHY,
}

#: The code that may stand between the example's code and a lookup it
#: asked for: Jinja2 (a template's ``request.form.name``) and Werkzeug's
#: data structures (``get`` calls ``__getitem__``), besides this file.
#: Lookups made by anything else, such as Werkzeug's form parser reading
#: the Content-Type header, are the framework's, not the example's.
LIBRARY_FOLDERS = tuple(
    str(Path(module.__file__).resolve().parent) + os.sep
    for module in (jinja2, werkzeug.datastructures)
)
THIS_FILE = str(Path(__file__).resolve())

#: A header name the test client can send.
TOKEN = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")


def markup(payload):
    """The part of a payload that would run if it came back unescaped."""
    return payload[payload.index("<"):]


#: What no response may contain: the markup of each payload, also as sent
#: in a URL variable that stops at slashes (with its slashes taken out).
MARKUP = sorted({markup(p) for payload in PAYLOADS for p in (payload, payload.replace("/", ""))})


# -- watching what the example's code reads ----------------------------------


class Reads:
    """The names that code inside ``folder`` looked up in the request."""

    current = None

    def __init__(self, folder):
        self.folder = str(Path(folder).resolve()) + os.sep
        self.names = set()

    def note(self, name):
        if not isinstance(name, str):
            return
        # The first frame outside the libraries and this file is the code
        # that asked for the name.
        frame = sys._getframe(2)
        while frame is not None:
            filename = os.path.realpath(frame.f_code.co_filename)
            if filename != THIS_FILE and not filename.startswith(LIBRARY_FOLDERS):
                break
            frame = frame.f_back
        if frame is not None and filename.startswith(self.folder):
            self.names.add(name)


def note(name):
    if Reads.current is not None:
        Reads.current.note(name)


class NotingDict(ImmutableMultiDict):
    """The storage of ``args``, ``form``, ``files`` and ``cookies``."""

    def __getitem__(self, key):
        note(key)
        return super().__getitem__(key)

    def get(self, key, *args, **kwargs):
        note(key)
        return super().get(key, *args, **kwargs)

    def getlist(self, key, *args, **kwargs):
        note(key)
        return super().getlist(key, *args, **kwargs)

    def __contains__(self, key):
        note(key)
        return super().__contains__(key)


class NotingHeaders(EnvironHeaders):
    # Werkzeug 3.0's Headers.get calls __getitem__ with a keyword of its
    # own (_get_mode), which is passed on as it came.
    def __getitem__(self, key, *args, **kwargs):
        note(key)
        return super().__getitem__(key, *args, **kwargs)

    def get(self, key, *args, **kwargs):
        note(key)
        return super().get(key, *args, **kwargs)

    def getlist(self, key, *args, **kwargs):
        note(key)
        return super().getlist(key, *args, **kwargs)

    def __contains__(self, key):
        note(key)
        return super().__contains__(key)


def watch(app):
    """Make ``app`` build its request objects from a noting subclass of
    its own request class."""
    base = app.request_class

    class NotingRequest(base):
        parameter_storage_class = NotingDict
        dict_storage_class = NotingDict

        def __init__(self, environ, *args, **kwargs):
            super().__init__(environ, *args, **kwargs)
            self.headers = NotingHeaders(self.environ)

    app.request_class = NotingRequest


# -- building the requests ----------------------------------------------------


def url_for_rule(app, rule, payload, method):
    """The path of ``rule`` with each variable part set to the payload
    where the rule accepts it there (with its slashes taken out when the
    part stops at slashes), else to ``1``."""
    adapter = app.url_map.bind("localhost")
    values = {}
    for name in sorted(rule.arguments):
        for candidate in (payload, payload.replace("/", ""), "1"):
            trial = {**{n: "1" for n in rule.arguments}, **values, name: candidate}
            if fits(adapter, rule, trial, method, name):
                values[name] = candidate
                break
        else:
            values[name] = "1"
    built = rule.build(values, append_unknown=False)
    return built[1] if built else rule.rule


def fits(adapter, rule, values, method, name):
    """Whether ``values`` build a path of ``rule`` that matches it again
    with ``values[name]`` unchanged."""
    try:
        built = rule.build(values, append_unknown=False)
    except (ValueError, TypeError):
        return False
    if built is None:
        return False
    if rule.build_only:
        return True
    try:
        endpoint, args = adapter.match(unquote(built[1]), method=method)
    except (HTTPException, RequestRedirect):
        return False
    return endpoint == rule.endpoint and str(args.get(name)) == values[name]


def send(client, path, method, names, payload):
    """One request carrying the payload under every name."""
    for name in names:
        client.set_cookie(name, payload)
    headers = {name: payload for name in names if TOKEN.match(name)}
    options = {"method": method, "query_string": {name: payload for name in names},
               "headers": headers}
    if method not in ("GET", "HEAD", "DELETE"):
        data = MultiDict()
        for name in names:
            data.add(name, payload)
            data.add(name, (io.BytesIO(payload.encode()), payload))
        options["data"] = data
        options["content_type"] = "multipart/form-data"
    return client.open(path, **options)


# -- the scan -----------------------------------------------------------------


def scan(app, reads, login=None, documented_5xx=None):
    """Send the payloads everywhere; return the requests whose answers
    carried a payload's markup back unescaped, and the requests answered
    with a server error, each as a line of text. ``documented_5xx`` maps
    an endpoint to the one 5xx answer (see DOCUMENTED_5XX) that is not a
    server error when that endpoint's view gives it."""
    documented_5xx = documented_5xx or {}
    leaks, errors = [], []
    # Each rule with the methods to try: a rule without methods answers
    # any, and the scan tries GET and POST.
    rules = [(rule, sorted((rule.methods or {"GET", "POST"}) - {"HEAD", "OPTIONS"}))
             for rule in app.url_map.iter_rules()]
    pages = [rule for rule, methods in rules if "GET" in methods]

    def new_client():
        client = app.test_client()
        for path, form in login or ():
            with client.post(path, data=form) as response:
                assert response.status_code < 400, f"logging in at {path} failed"
        return client

    def check(description, endpoint, response):
        with response:
            body = response.get_data(as_text=True)
            if response.status_code >= 500 and (
                    endpoint not in documented_5xx
                    or health_answer(response) != documented_5xx[endpoint]):
                errors.append(f"{description} -> {response.status}")
            for found in MARKUP:
                if found in body:
                    leaks.append(f"{description} -> {found!r} in {body[:300]!r}")

    Reads.current = reads
    try:
        for rule, methods in rules:
            for method in methods:
                for payload in PAYLOADS:
                    path = url_for_rule(app, rule, payload, method)
                    sent = None
                    while sent != reads.names:
                        sent = set(reads.names)
                        client = new_client()
                        what = f"{method} {path} with {sorted(sent)} set to {payload!r}"
                        check(what, rule.endpoint,
                              send(client, path, method, sent, payload))
                        for page in pages:
                            later = url_for_rule(app, page, "x", "GET")
                            check(f"GET {later} after {what}", page.endpoint,
                                  client.get(later))
    finally:
        Reads.current = None
    return leaks, errors


# -- the examples -------------------------------------------------------------


def examples_with_code():
    return sorted({block["example"] for block in ALL_BLOCKS
                   if block["example"] and block["path"].endswith(".py")})


def sessions_of(example):
    return sorted({block["path"] for block in ALL_BLOCKS
                   if block["example"] == example and block["language"] == "pycon"})


def applications(folder):
    """Import every module and package at the top of the example folder
    and return the distinct Flask applications they and the modules
    they import hold."""
    apps = []
    for entry in sorted(folder.iterdir()):
        if entry.suffix == ".py":
            name = entry.stem
        elif (entry / "__init__.py").is_file():
            name = entry.name
        else:
            continue
        __import__(name)
    for module in list(sys.modules.values()):
        path = str(getattr(module, "__file__", None) or "")
        if path.startswith(str(folder)):
            for value in vars(module).values():
                if isinstance(value, flask.Flask) and all(value is not a for a in apps):
                    apps.append(value)
    return apps


def release(folder):
    """Close what the example's modules opened (SQLAlchemy's sessions and
    engines) so that no connection outlives the test."""
    for module in list(sys.modules.values()):
        if not str(getattr(module, "__file__", None) or "").startswith(str(folder)):
            continue
        for value in vars(module).values():
            kind = type(value)
            if not kind.__module__.startswith("sqlalchemy"):
                continue
            if kind.__name__ == "scoped_session":
                value.remove()
            elif kind.__name__ == "Engine":
                value.dispose()


@pytest.fixture
def scanned(materialize, monkeypatch):
    """Set up an example as its chapter says and scan each application
    in it; return (leaks, errors, number of applications)."""

    def run(example):
        monkeypatch.setenv("SECRET_KEY", secrets.token_hex())
        folder = materialize(example)
        try:
            for session in sessions_of(example):
                run_session(folder, session)
            apps = applications(folder)
            leaks, errors = [], []
            for app in apps:
                watch(app)
                for login in [None] + LOGINS.get(example, []):
                    found = scan(app, Reads(folder), login and [login],
                                 documented_5xx_of(example))
                    leaks += found[0]
                    errors += found[1]
        finally:
            release(folder)
        return leaks, errors, len(apps)

    return run


@pytest.mark.parametrize("example", examples_with_code())
def test_documented_example_never_returns_a_script_payload_unescaped(example, scanned):
    leaks, errors, found = scanned(example)
    assert found, f"the example {example} holds no Flask application"
    assert not leaks, "\n".join(leaks)


@pytest.mark.parametrize("example", examples_with_code())
def test_documented_example_answers_the_scan_without_a_server_error(example, scanned):
    leaks, errors, found = scanned(example)
    assert found, f"the example {example} holds no Flask application"
    assert not errors, "\n".join(errors)


def documented_5xx_of(example):
    return {endpoint: answer for (name, endpoint), answer in DOCUMENTED_5XX.items()
            if name == example}


def test_every_example_login_is_an_example():
    assert set(LOGINS) <= set(examples_with_code())


def test_every_documented_5xx_is_an_endpoint_of_its_example(materialize, monkeypatch):
    for example, endpoint in DOCUMENTED_5XX:
        assert example in examples_with_code()
        monkeypatch.setenv("SECRET_KEY", secrets.token_hex())
        endpoints = {rule.endpoint for app in applications(materialize(example))
                     for rule in app.url_map.iter_rules()}
        assert endpoint in endpoints, (example, endpoint)


# -- the scan itself: it finds what it is meant to find -----------------------


def load(tmp_path, source):
    """An application from ``source``, as a module in ``tmp_path`` (the
    scan notes lookups made by code there)."""
    path = tmp_path / "scanned_app.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("scanned_app", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    watch(module.app)
    return module.app


def leaks_of(tmp_path, source):
    app = load(tmp_path, source)
    return scan(app, Reads(tmp_path))[0]


APP = "from flask import Flask, escape, request, session\napp = Flask('scanned_app')\n"


def test_scan_finds_a_url_variable_returned_unescaped(tmp_path):
    leaks = leaks_of(tmp_path, APP + (
        "@app.route('/u/<name>')\n"
        "def user(name):\n"
        "    return 'Hi ' + name\n"
    ))
    assert any(markup(PAYLOADS[1]) in leak for leak in leaks)


def test_scan_finds_a_path_variable_with_slashes_returned_unescaped(tmp_path):
    leaks = leaks_of(tmp_path, APP + (
        "@app.route('/f/<path:name>')\n"
        "def file(name):\n"
        "    return 'File ' + name\n"
    ))
    assert any(markup(PAYLOADS[0]) in leak for leak in leaks)


def test_scan_finds_a_query_argument_returned_unescaped(tmp_path):
    leaks = leaks_of(tmp_path, APP + (
        "@app.route('/search')\n"
        "def search():\n"
        "    return 'You searched for %r' % request.args.get('q', '')\n"
    ))
    assert leaks


def test_scan_finds_a_second_form_field_read_only_after_the_first(tmp_path):
    leaks = leaks_of(tmp_path, APP + (
        "@app.route('/login', methods=['POST'])\n"
        "def login():\n"
        "    if request.form.get('user') is None:\n"
        "        return 'who?'\n"
        "    return 'Hello ' + request.form['nickname']\n"
    ))
    assert any("'nickname'" in leak for leak in leaks)


def test_scan_finds_an_uploaded_file_name_returned_unescaped(tmp_path):
    leaks = leaks_of(tmp_path, APP + (
        "@app.route('/upload', methods=['POST'])\n"
        "def upload():\n"
        "    return 'Got ' + request.files['doc'].filename\n"
    ))
    assert leaks


def test_scan_finds_a_cookie_returned_unescaped(tmp_path):
    leaks = leaks_of(tmp_path, APP + (
        "@app.route('/')\n"
        "def index():\n"
        "    return 'Hello %s' % request.cookies.get('name', 'stranger')\n"
    ))
    assert leaks


def test_scan_finds_a_header_returned_unescaped(tmp_path):
    leaks = leaks_of(tmp_path, APP + (
        "@app.route('/')\n"
        "def index():\n"
        "    return 'You came from %s' % request.headers.get('Referer', 'nowhere')\n"
    ))
    assert leaks


def test_scan_finds_a_value_stored_by_one_page_and_shown_by_another(tmp_path):
    leaks = leaks_of(tmp_path, APP + (
        "app.secret_key = 'a long enough key for the scan of a stored value'\n"
        "@app.route('/set', methods=['POST'])\n"
        "def set_name():\n"
        "    session['name'] = request.form['name']\n"
        "    return 'Saved'\n"
        "@app.route('/')\n"
        "def index():\n"
        "    return 'Hello %s' % session.get('name', 'stranger')\n"
    ))
    assert any(leak.startswith("GET / after POST /set") for leak in leaks)


def test_scan_finds_nothing_in_views_that_escape(tmp_path):
    leaks = leaks_of(tmp_path, APP + (
        "@app.route('/u/<path:name>', methods=['GET', 'POST'])\n"
        "def user(name):\n"
        "    return 'Hi %s %s %s' % (escape(name), escape(request.args.get('q', '')),\n"
        "                           escape(request.form.get('f', '')))\n"
    ))
    assert leaks == []


def test_scan_ignores_the_framework_reading_the_session_cookie(tmp_path):
    app = load(tmp_path, APP + (
        "app.secret_key = 'a long enough key for the scan of the session'\n"
        "@app.route('/')\n"
        "def index():\n"
        "    return str(len(session))\n"
    ))
    reads = Reads(tmp_path)
    scan(app, reads)
    assert reads.names == set()


# -- the scan itself: a server error fails it, a documented 503 does not ------


def errors_of(tmp_path, source, documented_5xx=None):
    app = load(tmp_path, source)
    return scan(app, Reads(tmp_path), documented_5xx=documented_5xx)[1]


def answered(error):
    """The path whose answer an error of the scan is about (the request
    made, or the page fetched after it)."""
    return error.split()[1]


#: A health check answering as the pattern's does when its database is
#: missing, and a view that fails.
HEALTH_503 = (
    "@app.route('/healthz')\n"
    "def healthz():\n"
    "    return app.response_class('unavailable\\n', status=503,\n"
    "        mimetype='text/plain', headers={'Cache-Control': 'no-store',\n"
    "                                        'X-Content-Type-Options': 'nosniff'})\n"
)
BROKEN = (
    "@app.route('/broken')\n"
    "def broken():\n"
    "    return {}['missing']\n"
)


def test_scan_finds_a_view_that_fails(tmp_path):
    errors = errors_of(tmp_path, APP + BROKEN)
    assert errors and {answered(error) for error in errors} == {"/broken"}
    assert all(error.endswith(" -> 500 INTERNAL SERVER ERROR") for error in errors)


def test_scan_takes_the_documented_health_answer_for_an_answer(tmp_path):
    source = APP + HEALTH_503
    assert errors_of(tmp_path, source, {"healthz": UNHEALTHY}) == []
    # Without the allowance, the same 503 is a server error.
    assert errors_of(tmp_path, source)


def test_scan_finds_a_failing_view_beside_a_documented_503(tmp_path):
    errors = errors_of(tmp_path, APP + HEALTH_503 + BROKEN, {"healthz": UNHEALTHY})
    assert errors
    assert {answered(error) for error in errors} == {"/broken"}


@pytest.mark.parametrize("change", [
    # Another body, cacheable, another status, or a failure of the view.
    ("'unavailable\\n'", "'database locked\\n'"),
    ("'no-store'", "'max-age=60'"),
    ("status=503", "status=500"),
    ("return app.response_class(", "1 / 0\n    return app.response_class("),
])
def test_scan_finds_a_health_view_whose_5xx_is_not_its_documented_answer(tmp_path, change):
    source = APP + HEALTH_503.replace(*change)
    assert source != APP + HEALTH_503
    errors = errors_of(tmp_path, source, {"healthz": UNHEALTHY})
    assert errors and {answered(error) for error in errors} == {"/healthz"}


def test_scan_finds_the_documented_503_of_another_endpoint(tmp_path):
    source = APP + HEALTH_503.replace("def healthz", "def status")
    errors = errors_of(tmp_path, source, {"healthz": UNHEALTHY})
    assert errors and {answered(error) for error in errors} == {"/healthz"}
