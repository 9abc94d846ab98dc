"""The application the concurrency tests serve: every response repeats
the client's own session and ``g`` values, so that a response carrying
another client's data (cross-talk between threads) is noticed.

Served by ``app.run(threaded=True)`` and by gunicorn's threaded worker.
"""
import time

from flask import Flask, g, render_template_string, request, session

app = Flask(__name__)
app.secret_key = "reliability tests: not a production key"


@app.before_request
def remember_client():
    """Keep the client's header and the request's nonce in ``g``."""
    g.client = request.headers.get("X-Client", "")
    g.nonce = request.args.get("nonce", "")


@app.route("/login/<client>")
def login(client):
    """Start the client's session."""
    session["client"] = client
    session["count"] = 0
    return "logged in " + client


@app.route("/whoami")
def whoami():
    """Count the request in the session and answer with the session's
    client, the counter, and ``g``'s client and nonce."""
    session["count"] = session.get("count", 0) + 1
    # Let other threads run between setting g and reading it back.
    time.sleep(0.0005)
    return render_template_string(
        "{{ session.client }} {{ session['count'] }} {{ g.client }} {{ g.nonce }}"
    )


if __name__ == "__main__":
    import sys

    app.run(host="127.0.0.1", port=int(sys.argv[1]), threaded=True)
