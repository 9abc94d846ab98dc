"""yourapplication: the small application the deployment tests serve on
real servers (see ``tests/deploy/``), named after the package the
deployment chapter of the docs uses.

It has one of everything a server must pass through intact: a rendered
page, a form sent with POST, a redirect, a session, a static file, a 404
and a deliberate error.
"""
import os

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
