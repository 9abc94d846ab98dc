"""MiniTwit behind gunicorn (two worker processes) under a bounded load of
timeline reads, logins and posts from several clients at once: no server
error, no connection error, and every acknowledged post is in the
database afterwards, under its own author."""
import http.client
import importlib.util
import os
import sqlite3
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

import pytest
from werkzeug.http import parse_cookie

pytestmark = pytest.mark.slow

MINITWIT = Path(__file__).resolve().parent.parent.parent / "examples" / "minitwit"
USERS = 8
LOAD_SECONDS = 15
PASSWORD = "load-test password"


class Visitor:
    """One person using MiniTwit: a cookie jar and counters. Every request
    uses a new connection, as gunicorn's sync workers close each one."""

    def __init__(self, port, name, tally):
        self.port = port
        self.name = name
        self.cookie = ""
        self.tally = tally
        self.posts = 0

    def request(self, method, path, form=None, expect=200):
        """Send one request; count its outcome in the shared tally:
        ``5xx``, ``unexpected`` (another status than ``expect``),
        ``connection error`` or ``ok``."""
        headers = {}
        body = None
        if self.cookie:
            headers["Cookie"] = "session=" + self.cookie
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
        except OSError as e:
            self.tally.record("connection error", f"{method} {path}: {e!r}")
            return None
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookie = parse_cookie(header).get("session", self.cookie)
        if response.status >= 500:
            outcome = "5xx"
        elif response.status != expect:
            outcome = "unexpected"
        else:
            outcome = "ok"
        self.tally.record(outcome, f"{method} {path}: {response.status}")
        return response.status

    def register(self):
        form = {
            "username": self.name, "email": f"{self.name}@example.com",
            "password": PASSWORD, "password2": PASSWORD,
        }
        return self.request("POST", "/register", form, expect=302)

    def log_in(self):
        form = {"username": self.name, "password": PASSWORD}
        return self.request("POST", "/login", form, expect=302)

    def post(self, number):
        status = self.request(
            "POST", "/add_message", {"text": f"message {number} from {self.name}"}, expect=302
        )
        if status == 302:
            self.posts += 1


class Tally:
    """Outcome counts shared by all visitors (they run in threads), and
    what went wrong, for the failure message."""

    def __init__(self):
        self.counts = Counter()
        self.problems = []
        self.lock = threading.Lock()

    def record(self, outcome, detail):
        with self.lock:
            self.counts[outcome] += 1
            if outcome != "ok":
                self.problems.append(detail)


def browse(visitor, others, stop_at):
    """The load of one visitor until ``stop_at``: mostly timeline reads,
    a post every few requests, and now and then logging out and in."""
    number = 0
    while time.monotonic() < stop_at:
        number += 1
        visitor.request("GET", "/public")
        visitor.request("GET", "/")
        visitor.post(number)
        visitor.request("GET", "/" + others[number % len(others)])
        if number % 10 == 0:
            visitor.request("POST", "/logout", {}, expect=302)
            visitor.log_in()


def test_minitwit_under_load_on_gunicorn(
    server_process, python, tmp_path, figure, require
):
    require(importlib.util.find_spec("gunicorn"), "gunicorn is not installed")
    database = tmp_path / "minitwit.db"
    env = {"MINITWIT_DATABASE": str(database), "SECRET_KEY": "load-test secret key"}
    subprocess.run(
        [python, "-c", "import minitwit; minitwit.init_db()"],
        cwd=MINITWIT, env=dict(os.environ, **env), check=True, timeout=60,
    )
    server = server_process(
        [
            python, "-m", "gunicorn", "--workers", "2", "--bind", "127.0.0.1:0",
            "--no-control-socket", "--log-level", "warning", "minitwit:app",
        ],
        cwd=MINITWIT, env=env,
    )

    tally = Tally()
    names = [f"user{number}" for number in range(USERS)]
    visitors = [Visitor(server.port, name, tally) for name in names]
    for visitor in visitors:
        assert visitor.register() == 302, f"could not register {visitor.name}"
        assert visitor.log_in() == 302, f"could not log {visitor.name} in"
    # Registering and the first login were setup; count the load alone.
    tally = Tally()
    for visitor in visitors:
        visitor.tally = tally

    stop_at = time.monotonic() + LOAD_SECONDS
    threads = [
        threading.Thread(target=browse, args=(visitor, names, stop_at)) for visitor in visitors
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(LOAD_SECONDS + 60)
    seconds = time.perf_counter() - started
    assert not any(thread.is_alive() for thread in threads), "a client hung"

    with sqlite3.connect(database) as db:
        stored = dict(db.execute(
            "select users.username, count(*) from message"
            " join users on users.user_id = message.author_id group by users.username"
        ).fetchall())
    acknowledged = {visitor.name: visitor.posts for visitor in visitors if visitor.posts}
    counts = tally.counts
    requests = sum(counts.values())
    figure(
        f"minitwit on gunicorn (2 workers), {USERS} clients for {seconds:.1f} s:"
        f" {requests} requests = {requests / seconds:.0f} requests/s,"
        f" {counts['5xx']} 5xx, {counts['connection error']} connection errors,"
        f" {counts['unexpected']} unexpected statuses,"
        f" {sum(acknowledged.values())} posts acknowledged, {sum(stored.values())} stored"
    )
    problems = tally.problems[:5]
    assert counts["5xx"] == 0, f"server errors: {problems}"
    assert counts["connection error"] == 0, f"connection errors: {problems}"
    assert counts["unexpected"] == 0, f"unexpected statuses: {problems}"
    assert stored == acknowledged, "posts were lost or stored under another author"
    assert sum(stored.values()) > 0
