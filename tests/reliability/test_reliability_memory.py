"""100,000 requests in one process, through routing, sessions, templates
and flashing: the process does not grow (under 2 MB of resident memory
after a warm-up) and no request context is left behind."""
import ctypes
import gc
import io
import time

import pytest
from werkzeug.http import parse_cookie
from werkzeug.test import create_environ

import flask

pytestmark = pytest.mark.slow

REQUESTS = 100_000
WARM_UP = 10_000
MAX_GROWTH_KB = 2048


def resident_kb():
    """This process's resident set size in kB, from /proc/self/status,
    measured after a garbage collection and after the C allocator handed
    its free memory back to the system (compiling a template frees large
    blocks that would otherwise linger as noise); live objects, and so any
    leak, stay counted."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc: measure without trimming
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS line in /proc/self/status")


def build_app(root):
    (root / "templates").mkdir()
    (root / "templates" / "page.html").write_text(
        "<h1>{{ title }}</h1>{% for m in get_flashed_messages() %}<p>{{ m }}</p>{% endfor %}"
        "<a href=\"{{ url_for('show_post', post_id=7) }}\">{{ session.user }}</a>"
    )
    app = flask.Flask(__name__)
    app.root_path = str(root)
    app.secret_key = "the memory test key"

    @app.route("/post/<int:post_id>")
    def show_post(post_id):
        return flask.render_template("page.html", title=f"post {post_id}")

    @app.route("/flash", methods=["POST"])
    def flash_message():
        flask.flash(flask.request.form["message"])
        return flask.redirect(flask.url_for("messages"))

    @app.route("/messages")
    def messages():
        return flask.render_template("page.html", title="messages")

    @app.route("/login")
    def login():
        flask.session["user"] = "alice"
        return "logged in"

    return app


def cookie_after(app, *requests):
    """The session cookie a client holds after making ``requests``."""
    client = app.test_client()
    for method, path, data in requests:
        response = client.open(path, method=method, data=data)
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith("session="):
            return parse_cookie(header)["session"]
    raise AssertionError("no session cookie was set")


def test_100k_requests_do_not_grow_memory_or_leave_contexts(tmp_path, figure):
    app = build_app(tmp_path)
    logged_in = cookie_after(app, ("GET", "/login", None))
    with_flash = cookie_after(app, ("GET", "/login", None), ("POST", "/flash", {"message": "hi"}))
    form_body = b"message=hello+there"
    # The requests the loop cycles through, with the status each must get:
    # templates, a flash (which writes the session) and the page that
    # consumes a flashed message. Not render_template_string: it compiles
    # its template on every call, and CPython's compiler keeps tables that
    # grow by over a megabyte during the first 20,000 or so compilations
    # before levelling off; that is the interpreter's memory, not ours.
    kinds = []
    for method, path, cookie, body, status in [
        ("GET", "/post/42", logged_in, b"", "200"),
        ("GET", "/post/43", logged_in, b"", "200"),
        ("POST", "/flash", logged_in, form_body, "302"),
        ("GET", "/messages", with_flash, b"", "200"),
        ("GET", "/post/44", logged_in, b"", "200"),
        ("GET", "/messages", logged_in, b"", "200"),
        ("GET", "/post/45", logged_in, b"", "200"),
        ("GET", "/messages", with_flash, b"", "200"),
    ]:
        environ = create_environ(
            path, "http://localhost/", method=method, data=body or None,
            headers={"Cookie": "session=" + cookie},
            content_type="application/x-www-form-urlencoded" if body else None,
        )
        kinds.append((environ, body, status))
    statuses = []

    def start_response(status, headers, exc_info=None):
        statuses.append(status[:3])

    def run(count):
        # Each request gets a fresh copy of its environment and body, as a
        # server would give it; its response body is read and closed.
        for number in range(count):
            environ, body, expected = kinds[number % len(kinds)]
            environ = dict(environ)
            environ["wsgi.input"] = io.BytesIO(body)
            iterable = app(environ, start_response)
            b"".join(iterable)
            iterable.close()
            if statuses.pop() != expected:
                raise AssertionError(f"{environ['PATH_INFO']} did not answer {expected}")

    run(WARM_UP)
    before = resident_kb()
    started = time.perf_counter()
    run(REQUESTS)
    seconds = time.perf_counter() - started
    growth = resident_kb() - before
    figure(
        f"{REQUESTS} requests in {seconds:.1f} s ({REQUESTS / seconds:.0f}/s):"
        f" resident memory grew by {growth} kB (limit {MAX_GROWTH_KB} kB)"
    )
    assert growth < MAX_GROWTH_KB, f"resident memory grew by {growth} kB over {REQUESTS} requests"
    assert flask._request_ctx_stack.top is None, "a request context was left on the stack"
