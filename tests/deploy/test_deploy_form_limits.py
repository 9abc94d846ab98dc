"""The form limits (``Flask.max_form_memory_size``, ``Flask.max_form_parts``)
and ``max_content_length`` for chunked bodies, through gunicorn (one sync
worker) and waitress on 127.0.0.1.

Each test starts its own server on a small application (``APP`` below,
written to the test's folder): a fresh process, so that its peak resident
memory (VmHWM in /proc/<pid>/status) tells what the test's request cost.
The requests are sent over a raw socket by one thread while another reads
the answer: a server that refuses a body it has not read closes the
connection under a client that is still sending.
"""
import os
import re
import socket
import sys
import threading
import time
from pathlib import Path

import pytest
from server_process import make_dir, start_server

# Every test here runs a server (tests/deploy/conftest.py marks them too).
pytestmark = pytest.mark.slow

VENV_BIN = Path(sys.executable).parent

APP = '''\
import os

import flask

app = flask.Flask(__name__)
if os.environ.get("FORM_LIMITS") == "off":
    # What Werkzeug does on its own: a urlencoded form is parsed whole.
    app.max_form_memory_size = None
    app.max_form_parts = None
if os.environ.get("MAX_CONTENT_LENGTH"):
    app.max_content_length = int(os.environ["MAX_CONTENT_LENGTH"])


@app.route("/", methods=["GET", "POST"])
def form():
    if flask.request.method == "GET":
        return "ready"
    pairs = list(flask.request.form.items(multi=True))
    characters = sum(len(key) + len(value) for key, value in pairs)
    return "%d fields, %d characters" % (len(pairs), characters)
'''

MB = 1024 * 1024

#: The hostile login form: two real fields, then empty ones ("a&") up to
#: 10 MB. Werkzeug alone parses each into a string and a list entry.
HOSTILE_FORM = b"username=x&password=y&"
HOSTILE_FORM += b"a&" * ((10 * MB - len(HOSTILE_FORM)) // 2)

#: The peak resident memory a worker may reach answering the hostile form
#: with the limits on. Measured: 25 MB (gunicorn's worker) and 26-27 MB
#: (waitress) before and after; without the limits the same request takes
#: either to some 450 MB.
PEAK_BOUND_KB = 100 * 1024

#: How long one request may take, answer included.
REQUEST_TIMEOUT = 120

#: The size of each chunk of a chunked body.
CHUNK = 64 * 1024

#: The title of the page Werkzeug's RequestEntityTooLarge renders, which
#: tells the application's 413 from the server's own.
APP_413 = b"<title>413 Request Entity Too Large</title>"


# -- servers ------------------------------------------------------------------


@pytest.fixture
def serve(tmp_path):
    """A function that starts APP on a server of the given kind
    (``'gunicorn'`` or ``'waitress'``) and returns it once it answers;
    ``limits=False`` turns the form limits off, ``max_content_length``
    sets that, ``options`` are added to the server's command line. Every
    server started is stopped (and waited for) when the test ends."""
    started = []

    def serve(kind, limits=True, max_content_length=None, options=()):
        folder = make_dir(tmp_path / f"{kind}-{len(started)}")
        (folder / "formapp.py").write_text(APP)
        env = {
            **os.environ,
            "PYTHONPATH": str(folder),
            "PYTHONUNBUFFERED": "1",
            "FORM_LIMITS": "on" if limits else "off",
            "MAX_CONTENT_LENGTH": str(max_content_length or ""),
        }
        if kind == "gunicorn":
            argv = [VENV_BIN / "gunicorn", "--bind", "127.0.0.1:0", "--workers", "1",
                    "--worker-class", "sync", "--no-control-socket",
                    # A worker busy longer than this is killed and replaced.
                    "--timeout", str(REQUEST_TIMEOUT), *options,
                    "formapp:app"]
        else:
            argv = [VENV_BIN / "waitress-serve", "--listen=127.0.0.1:0", *options,
                    "formapp:app"]
        server = start_server(kind, argv, folder, cwd=folder, env=env)
        started.append(server)
        return server

    yield serve
    for server in started:
        server.stop()


def _children(pid):
    """The PIDs of the running processes whose parent is ``pid``."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name (field 2) may hold spaces: split after it.
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            children.append(int(entry.name))
    return children


def worker_pid(server):
    """The process that runs the application: gunicorn's one worker (the
    master's child), or waitress's own process."""
    if server.name != "gunicorn":
        return server.pid
    deadline = time.monotonic() + 10
    while len(workers := _children(server.pid)) != 1:
        assert time.monotonic() < deadline, f"gunicorn workers: {workers}"
        time.sleep(0.05)
    return workers[0]


def peak_kb(pid):
    """The peak resident memory of process ``pid`` so far, in KiB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^VmHWM:\s+(\d+) kB$", status, re.M).group(1))


# -- the client ---------------------------------------------------------------


class Answer:
    """What a server answered: ``status``, ``body``, ``seconds`` from the
    first byte sent to the end of the answer, and ``sent``, how many bytes
    of the body the client's socket had taken by then (what the server
    read, plus what the kernel's buffers held)."""

    def __init__(self, status, body, seconds, sent):
        self.status, self.body, self.seconds, self.sent = status, body, seconds, sent

    def __repr__(self):
        return f"<Answer {self.status} {self.body[:200]!r}>"


def _chunked(body):
    """``body`` in the chunked transfer coding, one piece per chunk."""
    for start in range(0, len(body), CHUNK):
        piece = body[start:start + CHUNK]
        yield b"%x\r\n%s\r\n" % (len(piece), piece)
    yield b"0\r\n\r\n"


def _pieces(body):
    for start in range(0, len(body), CHUNK):
        yield body[start:start + CHUNK]


def post(server, body, chunked=False):
    """POST ``body`` as a urlencoded form to the root of ``server``, with a
    Content-Length or (``chunked=True``) in chunks, and return its
    :class:`Answer`. One thread sends while this one reads, so an answer
    that comes before the whole body was sent is seen."""
    head = [
        "POST / HTTP/1.1",
        f"Host: 127.0.0.1:{server.port}",
        "Content-Type: application/x-www-form-urlencoded",
        "Transfer-Encoding: chunked" if chunked else f"Content-Length: {len(body)}",
        "Connection: close",
    ]
    parts = _chunked(body) if chunked else _pieces(body)
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=REQUEST_TIMEOUT)
    sent = [0]

    def send():
        try:
            sock.sendall("\r\n".join(head).encode() + b"\r\n\r\n")
            for part in parts:
                sock.sendall(part)
                sent[0] += len(part)
        except OSError:
            pass  # the server closed the connection: the answer tells why

    sender = threading.Thread(target=send, daemon=True)
    started = time.monotonic()
    sender.start()
    received = b""
    try:
        received = _read_answer(sock, started + REQUEST_TIMEOUT)
        seconds, sent_by_then = time.monotonic() - started, sent[0]
    finally:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sender.join(REQUEST_TIMEOUT)
        sock.close()
    head, _, content = received.partition(b"\r\n\r\n")
    match = re.match(rb"HTTP/1\.[01] (\d{3}) ", head)
    assert match, f"no HTTP answer from {server.name}: {received[:200]!r}\n{server.log()}"
    return Answer(int(match.group(1)), content, seconds, sent_by_then)


def _read_answer(sock, deadline):
    """Read an answer with a Content-Length until it is complete, the
    server closes the connection, or ``deadline`` passes."""
    received = b""
    while time.monotonic() < deadline and len(received) < 10 * MB:
        try:
            data = sock.recv(65536)
        except ConnectionResetError:
            break
        if not data:
            break
        received += data
        head, found, content = received.partition(b"\r\n\r\n")
        length = re.search(rb"\r\ncontent-length:\s*(\d+)", head, re.I)
        if found and length and len(content) >= int(length.group(1)):
            break
    return received


# -- 1. a 10 MB form of empty fields ------------------------------------------


@pytest.mark.parametrize("kind", ["gunicorn", "waitress"])
def test_hostile_urlencoded_form_gets_413(serve, kind):
    answer = post(serve(kind), HOSTILE_FORM)
    assert answer.status == 413, answer
    assert APP_413 in answer.body


def _hostile_peak(server):
    """POST the hostile form to a fresh ``server`` and return its worker's
    peak resident memory before and after (KiB) and the answer."""
    pid = worker_pid(server)
    before = peak_kb(pid)
    answer = post(server, HOSTILE_FORM)
    # The same worker answered (a worker that died would have been replaced).
    assert worker_pid(server) == pid
    return before, peak_kb(pid), answer


@pytest.mark.parametrize("kind", ["gunicorn", "waitress"])
def test_hostile_urlencoded_form_keeps_worker_peak_rss_small(serve, figure, kind):
    before, after, answer = _hostile_peak(serve(kind))
    # The same request with the limits off: what it cost before them.
    old_before, old_after, old_answer = _hostile_peak(serve(kind, limits=False))
    figure(
        f"{kind}, 10 MB form of {HOSTILE_FORM.count(b'&'):,} empty fields:"
        f" limits on: {answer.status} in {answer.seconds:.2f}s, worker peak RSS"
        f" {before / 1024:.0f} MB before, {after / 1024:.0f} MB after;"
        f" limits off: {old_answer.status} in {old_answer.seconds:.2f}s,"
        f" {old_before / 1024:.0f} MB before, {old_after / 1024:.0f} MB after"
    )
    assert after < PEAK_BOUND_KB, answer
    # Without the limits the form is parsed and the worker grows past the
    # bound: the measurement sees what the limits prevent.
    assert old_answer.status == 200, old_answer
    assert old_after > PEAK_BOUND_KB


# -- 2. chunked bodies and max_content_length ---------------------------------

#: minitwit's limit.
SMALL_LIMIT = 64 * 1024


@pytest.mark.parametrize("kind", ["gunicorn", "waitress"])
def test_chunked_form_under_max_content_length_is_parsed_whole(serve, kind):
    body = b"text=" + b"x" * (60 * 1024)
    answer = post(serve(kind, max_content_length=SMALL_LIMIT), body, chunked=True)
    assert answer.status == 200, answer
    assert answer.body == b"1 fields, %d characters" % (len(body) - 1)


@pytest.mark.parametrize("kind", ["gunicorn", "waitress"])
def test_chunked_body_over_max_content_length_gets_413(serve, figure, kind):
    body = b"text=" + b"x" * (10 * MB - 5)
    answer = post(serve(kind, max_content_length=SMALL_LIMIT), body, chunked=True)
    figure(
        f"{kind}, 10 MB chunked form, max_content_length 64 KiB: {answer.status}"
        f" in {answer.seconds:.2f}s, {answer.sent / 1024:,.0f} KiB of the body sent by then"
    )
    # Refused by the application, never parsed from its first 64 KiB.
    assert answer.status == 413, answer
    assert APP_413 in answer.body


def test_waitress_max_request_body_size_refuses_chunked_body_itself(serve, figure):
    body = b"text=" + b"x" * (10 * MB - 5)
    server = serve("waitress", max_content_length=SMALL_LIMIT,
                   options=[f"--max-request-body-size={SMALL_LIMIT}"])
    answer = post(server, body, chunked=True)
    figure(
        f"waitress --max-request-body-size={SMALL_LIMIT}, 10 MB chunked form:"
        f" {answer.status} in {answer.seconds:.2f}s,"
        f" {answer.sent / 1024:,.0f} KiB of the body sent by then"
    )
    assert answer.status == 413, answer
    # waitress's own error page: the application never saw the request.
    assert b"(generated by waitress)" in answer.body
    assert APP_413 not in answer.body


# -- 3. many small fields under max_content_length -----------------------------


@pytest.mark.parametrize("kind", ["gunicorn", "waitress"])
def test_form_of_1000_fields_is_parsed(serve, kind):
    body = b"&".join([b"a=1"] * 1_000)
    answer = post(serve(kind, max_content_length=MB), body)
    assert answer.status == 200, answer
    assert answer.body == b"1000 fields, 2000 characters"


@pytest.mark.parametrize("kind", ["gunicorn", "waitress"])
def test_form_of_100000_fields_under_max_content_length_gets_413(serve, kind):
    body = b"a&" * 100_000
    # Under both size limits: only the number of fields is too large.
    assert len(body) < 500_000 and len(body) < MB
    answer = post(serve(kind, max_content_length=MB), body)
    assert answer.status == 413, answer
    assert APP_413 in answer.body
