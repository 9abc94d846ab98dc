"""What every deployment test checks, whatever the server: yourapplication
answers through it with a page, a POST form, a redirect that can be
followed, a session that lasts across requests, a static file and a 404.

The client is the standard library's urllib with a cookie jar, as a
browser would keep cookies; it does not follow redirects by itself, so
that the tests see them.
"""
import html
import http.cookiejar
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

STATIC_FILE = Path(__file__).resolve().parent / "yourapplication" / "static" / "style.css"

#: How long one request may take.
REQUEST_TIMEOUT = 20


@dataclass
class Reply:
    """An HTTP response as the tests look at it."""

    status: int
    headers: object  # an http.client.HTTPMessage
    body: bytes
    url: str

    @property
    def text(self):
        return self.body.decode("utf-8")

    def links(self):
        """The href of every link (``<a>`` and ``<link>``) on the page."""
        return [html.unescape(href) for href in re.findall(r'href="([^"]*)"', self.text)]


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    """Hand redirects to the caller instead of following them."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Browser:
    """A client that keeps cookies between requests, like a browser."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _KeepRedirects()
        )

    def request(self, url, form=None):
        """GET ``url``, or POST ``form`` (a dict) to it form-encoded."""
        data = None if form is None else urllib.parse.urlencode(form).encode("utf-8")
        try:
            with self.opener.open(url, data=data, timeout=REQUEST_TIMEOUT) as response:
                return Reply(response.status, response.headers, response.read(), url)
        except urllib.error.HTTPError as error:
            # 3xx, 4xx and 5xx answers: still answers, for the tests to check.
            with error:
                return Reply(error.code, error.headers, error.read(), url)

    def follow(self, reply):
        """GET the URL a redirect points to, as a browser would."""
        assert reply.status in (301, 302, 303, 307, 308), reply.status
        return self.request(urllib.parse.urljoin(reply.url, reply.headers["Location"]))


def mount_point(url):
    """The path the application is mounted at, from its URL ('' at the root)."""
    return urllib.parse.urlsplit(url).path


def check_page(url):
    """The home page is rendered, as UTF-8 HTML, with links built by
    url_for that start with the application's mount point."""
    reply = Browser().request(url + "/")
    assert reply.status == 200, reply.text
    assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<h1>Welcome to yourapplication</h1>" in reply.text
    prefix = mount_point(url)
    assert prefix + "/static/style.css" in reply.links()
    assert prefix + "/greet" in reply.links()


def check_links_work(url):
    """Every link on the home page leads somewhere that answers: the URLs
    url_for built are right for where the application is mounted."""
    browser = Browser()
    home = browser.request(url + "/")
    assert home.status == 200
    links = home.links()
    assert len(links) >= 5, links
    for link in links:
        reply = browser.request(urllib.parse.urljoin(home.url, link))
        if reply.status in (301, 302, 303, 307, 308):
            reply = browser.follow(reply)
        assert reply.status == 200, (link, reply.status)


def check_post_form(url):
    """A form sent with POST reaches the view, non-ASCII and markup intact
    (and escaped on the page)."""
    reply = Browser().request(url + "/greet", form={"name": "Zoë <the admin> & co"})
    assert reply.status == 200, reply.text
    assert "Hello, Zoë &lt;the admin&gt; &amp; co!" in reply.text


def check_redirect_followed(url):
    """A redirect points to the home page under the mount point, and
    following it lands there."""
    browser = Browser()
    reply = browser.request(url + "/old-home")
    assert reply.status == 302
    target = urllib.parse.urljoin(reply.url, reply.headers["Location"])
    assert urllib.parse.urlsplit(target).path == mount_point(url) + "/"
    landed = browser.follow(reply)
    assert landed.status == 200
    assert "Welcome to yourapplication" in landed.text


def visits(reply):
    """The visit count and the serving process id on the counter page."""
    assert reply.status == 200, reply.text
    count = re.search(r'<span id="visits">(\d+)</span>', reply.text).group(1)
    pid = re.search(r'<span id="pid">(\d+)</span>', reply.text).group(1)
    return int(count), int(pid)


def check_session(url):
    """The session cookie set by one request is sent back and read by the
    next: the visit counter goes 1, 2; a new visitor starts at 1 again."""
    browser = Browser()
    first = browser.request(url + "/counter")
    assert "HttpOnly" in first.headers["Set-Cookie"]
    assert visits(first)[0] == 1
    assert visits(browser.request(url + "/counter"))[0] == 2
    assert visits(Browser().request(url + "/counter"))[0] == 1


def check_static_file(url):
    """A file in static/ is served as it is, with its content type."""
    reply = Browser().request(url + "/static/style.css")
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("text/css")
    assert reply.body == STATIC_FILE.read_bytes()


def check_not_found(url):
    """A URL no view handles is a 404, and so is a missing static file."""
    browser = Browser()
    assert browser.request(url + "/no-such-page").status == 404
    assert browser.request(url + "/static/no-such-file.css").status == 404


def listening_sockets(port):
    """The sockets listening on TCP ``port``, read from Linux's
    /proc/net/tcp and tcp6: a list of (local address, accept queue length)
    pairs. Addresses are hexadecimal, as the kernel writes them (127.0.0.1
    is 0100007F); the accept queue holds the connections no process has
    accepted yet."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as lines:
            next(lines)  # the column names
            for line in lines:
                fields = line.split()
                address, hex_port = fields[1].split(":")
                state, queues = fields[3], fields[4]
                if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                    found.append((address, int(queues.split(":")[1], 16)))
    return found


def listening_addresses(port):
    """The local addresses of the sockets listening on TCP ``port``."""
    return [address for address, _ in listening_sockets(port)]


def check_listens_on_loopback_only(url):
    """The server listens on 127.0.0.1 and nowhere else (with one socket
    per worker process when its workers share the port, as Granian's do)."""
    port = urllib.parse.urlsplit(url).port
    addresses = listening_addresses(port)
    assert addresses and set(addresses) == {"0100007F"}, addresses


def check_serves_requests_side_by_side(url):
    """While one request is still running in the application (/hold,
    which waits for /release), the server answers another (/release)."""
    held = {}

    def hold():
        held["reply"] = Browser().request(url + "/hold")

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        # Ask until /release finds the /hold request waiting (it may not
        # have reached the application yet); bounded.
        for _ in range(50):
            if Browser().request(url + "/release").text == "released 1":
                break
            time.sleep(0.1)
        else:
            raise AssertionError("/release never found /hold waiting")
    finally:
        holder.join(REQUEST_TIMEOUT)
    assert held["reply"].text == "released"
