"""The simulated users of the scale-out tests: each one a thread using
minitwit through the load balancer as a person would, and every request
it made, as it saw it (an :class:`Outcome`)."""
import http.client
import re
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from werkzeug.http import parse_cookie

REQUEST_TIMEOUT = 30
PASSWORD = "correct horse battery staple"
POST_TEXT = re.compile(r"post \d+ by user\d+")


@dataclass
class Outcome:
    """One request as a visitor saw it. Times are seconds from the start
    of the load; ``status`` is None when no HTTP answer came at all."""

    user: str
    method: str
    path: str
    started: float
    ended: float
    status: int | None
    host: str | None  # the app host that answered, from X-Upstream
    body: str
    ok: bool


class Visitor:
    """One person using minitwit through the load balancer: a cookie,
    and the posts the site acknowledged (redirected after posting)."""

    def __init__(self, cluster, name, clock, outcomes):
        parts = urlsplit(cluster.url)
        self.address = (parts.hostname, parts.port)
        self.origin = cluster.url
        self.hosts = {address: app.name for address, app in cluster.hosts.items()}
        self.name = name
        self.clock = clock
        self.outcomes = outcomes
        self.cookie = ""
        self.acknowledged = []  # texts of the posts the site confirmed
        self.refused = []  # texts of the posts the site said failed
        self.registered = False
        self.tried_to_register = False
        self.logged_in = False
        self.first_login = None

    def request(self, method, path, form=None, expect=(200,)):
        headers = {}
        body = None
        if self.cookie:
            headers["Cookie"] = "session=" + self.cookie
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            # What a browser sends with a form of the same site; minitwit
            # compares it with the Host header that nginx passes on.
            headers["Origin"] = self.origin
        started = self.clock()
        connection = http.client.HTTPConnection(*self.address, timeout=REQUEST_TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            status = response.status
        except (OSError, http.client.HTTPException) as error:
            # No answer, or a broken one: the visitor saw no page.
            response, text, status = None, repr(error), None
        finally:
            connection.close()
        host = None
        if response is not None:
            for header in response.headers.get_all("Set-Cookie") or []:
                self.cookie = parse_cookie(header).get("session", self.cookie)
            # After a retry nginx lists every host it tried; the last answered.
            upstream = (response.headers.get("X-Upstream") or "").split(",")[-1].strip()
            host = self.hosts.get(upstream)
        outcome = Outcome(self.name, method, path, started, self.clock(), status, host,
                          text, status in expect)
        self.outcomes.append(outcome)
        return outcome

    def register(self):
        form = {"username": self.name, "email": f"{self.name}@example.com",
                "password": PASSWORD, "password2": PASSWORD}
        reply = self.request("POST", "/register", form, expect=(302,))
        if not reply.ok and self.tried_to_register and "already taken" in reply.body:
            # The first try went through, but its answer was lost: this
            # answer is the right one now.
            reply.ok = True
        self.tried_to_register = True
        self.registered = reply.ok
        return reply

    def log_in(self):
        form = {"username": self.name, "password": PASSWORD}
        reply = self.request("POST", "/login", form, expect=(302,))
        self.logged_in = reply.ok
        if reply.ok and self.first_login is None:
            self.first_login = reply.ended
        return reply

    def log_out(self):
        reply = self.request("POST", "/logout", {}, expect=(302,))
        if reply.ok:
            self.logged_in = False
        return reply

    def post(self, number):
        text = f"post {number} by {self.name}"
        reply = self.request("POST", "/add_message", {"text": text}, expect=(302,))
        (self.acknowledged if reply.ok else self.refused).append(text)
        return reply

    def browse(self, others, stop_at):
        """Until ``stop_at[0]`` (which may move): register and log in
        (again, after a failure), then mostly read timelines, post every
        fourth request, and now and then log out and in again."""
        number = 0
        offset = others.index(self.name) % 8 if self.name in others else 0
        while self.clock() < stop_at[0]:
            if not self.registered:
                self.register()
                continue
            if not self.logged_in:
                self.log_in()
                continue
            number += 1
            self.request("GET", "/public")
            self.request("GET", "/")
            self.post(number)
            self.request("GET", "/" + others[number % len(others)])
            # Each user at another moment: logging in again is slow.
            if number % 8 == offset:
                self.log_out()


class Load:
    """``users`` visitors (user0, user1...) browsing in threads of their
    own from :meth:`start` until the moment :meth:`end` sets, sharing
    one list of outcomes. ``clock`` gives seconds from the start."""

    #: However late a slow machine makes what a test does under the load,
    #: it ends this many seconds after it started.
    LONGEST = 300

    def __init__(self, cluster, users, clock):
        self.clock = clock
        self.outcomes = []
        self.names = [f"user{number}" for number in range(users)]
        self.visitors = [Visitor(cluster, name, clock, self.outcomes) for name in self.names]
        # A list, so that a visitor sees the end once it is set.
        self.stop_at = [clock() + self.LONGEST]
        self.threads = [threading.Thread(target=visitor.browse, args=(self.names, self.stop_at))
                        for visitor in self.visitors]

    def start(self):
        for thread in self.threads:
            thread.start()
        return self

    def wait_everyone_in(self, limit):
        """Wait until every visitor has logged in once, or ``limit``
        seconds from the start; return the moment."""
        while any(v.first_login is None for v in self.visitors) and self.clock() < limit:
            time.sleep(0.1)
        return self.clock()

    def end(self, moment):
        """Let the visitors go on until ``moment`` (at once if it is
        past), wait for them, and return when they stopped. A visitor
        still running a request gets its request's timeout, then counts
        as hung."""
        self.stop_at[0] = moment
        for thread in self.threads:
            thread.join(max(0, moment - self.clock()) + REQUEST_TIMEOUT + 10)
        assert not any(thread.is_alive() for thread in self.threads), "a visitor hung"
        return self.clock()

    @property
    def acknowledged(self):
        return acknowledged(self.visitors)

    @property
    def refused(self):
        return refused(self.visitors)


def acknowledged(visitors):
    """(username, text) of every post the site confirmed to ``visitors``."""
    return {(v.name, text) for v in visitors for text in v.acknowledged}


def refused(visitors):
    """(username, text) of every post the site told ``visitors`` failed."""
    return {(v.name, text) for v in visitors for text in v.refused}


def read_public_timeline(visitor):
    """Every post text on the public timeline, following its pages."""
    texts = set()
    path = "/public"
    for _ in range(1000):
        page = visitor.request("GET", path)
        assert page.status == 200, page.body
        texts.update(POST_TEXT.findall(page.body))
        older = re.search(r'href="(/public\?page=\d+)"[^>]*>[^<]*[Oo]lder', page.body)
        if older is None:
            return texts
        path = older.group(1)
    raise AssertionError("the public timeline does not end")


def describe(outcomes, limit=5):
    """The first ``limit`` outcomes, a line each, for an assertion's message."""
    return [f"{o.method} {o.path} -> {o.status} at {o.started:.2f}-{o.ended:.2f}s"
            f" ({o.host}): {o.body[:200]!r}" for o in outcomes[:limit]]
