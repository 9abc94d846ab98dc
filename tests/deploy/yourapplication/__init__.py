"""yourapplication: the small application the deployment tests serve on
real servers (see ``tests/deploy/``), named after the package the
deployment chapter of the docs uses.

It has one of everything a server must pass through intact: a rendered
page, a form sent with POST, a redirect, a session, a static file, a 404
and a deliberate error; a pair of views that show whether the server
answers one request while another is still running; and a response that
takes its time, to stop a server under.
"""
import os
import threading
import time

from flask import Flask, abort, redirect, render_template, request, session, url_for

app = Flask(__name__)

# Every process and every machine serving the application must sign the
# session cookie with the same key; that is what lets a session started on
# one worker be read by another. A real deployment reads its key from a
# secret kept outside the code; this one only ever serves test requests.
app.secret_key = os.environ.get("YOURAPPLICATION_SECRET_KEY", "deployment-tests-only")


@app.route("/")
def index():
    """The home page, with links (built by url_for) to the other pages."""
    return render_template("index.html")


@app.route("/greet", methods=["GET", "POST"])
def greet():
    """A form: GET shows it, POST greets the name that was sent."""
    if request.method == "POST":
        name = request.form.get("name", "").strip()
        if not name:
            abort(400)
        return render_template("greet.html", name=name)
    return render_template("greet.html", name=None)


@app.route("/old-home")
def old_home():
    """A page that moved: redirects to the home page."""
    return redirect(url_for("index"))


@app.route("/counter")
def counter():
    """Counts this visitor's visits in the session, and names the process
    that served the request (to tell the workers of a server apart)."""
    session["visits"] = session.get("visits", 0) + 1
    return render_template("counter.html", visits=session["visits"], pid=os.getpid())


@app.route("/fail")
def fail():
    """Raises, to show what the server does with an unhandled error."""
    raise RuntimeError("deliberate failure in yourapplication")


# The /hold requests now waiting for /release, one event each.
_holders = []
_holders_lock = threading.Lock()


@app.route("/hold")
def hold():
    """Waits, at most 10 seconds, until /release is requested. Only a
    server that runs requests side by side can answer /release meanwhile."""
    event = threading.Event()
    with _holders_lock:
        _holders.append(event)
    released = event.wait(10)
    with _holders_lock:
        if event in _holders:
            _holders.remove(event)
    return "released" if released else "timed out"


@app.route("/release")
def release():
    """Lets every waiting /hold request finish; says how many there were."""
    with _holders_lock:
        waiting = list(_holders)
        _holders.clear()
    for event in waiting:
        event.set()
    return f"released {len(waiting)}"


#: The first line of every /slow response, sent before it waits.
SLOW_FIRST_PART = b"the first part, sent at once\n"


@app.route("/slow")
def slow():
    """A response of ``size`` bytes (query string, 1000 by default) in two
    parts: the first line at once, the rest after ``seconds`` (1.5 by
    default). A client that has read the first line knows the request is
    under way in the application, which is when the shutdown tests stop
    the server."""
    seconds = float(request.args.get("seconds", "1.5"))
    size = max(int(request.args.get("size", "1000")), len(SLOW_FIRST_PART))

    def body():
        yield SLOW_FIRST_PART
        time.sleep(seconds)
        yield b"x" * (size - len(SLOW_FIRST_PART))

    # The length is announced, so that a client can tell a complete body
    # from one the server cut short.
    return app.response_class(body(), headers={"Content-Length": str(size)})
