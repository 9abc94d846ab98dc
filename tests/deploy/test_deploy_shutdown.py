"""What gunicorn and waitress do with a request in flight when they are
told to stop, as the section "Stopping gracefully" of docs/deployment.rst
describes it.

Each test starts its own server from the file the docs show
(configs/gunicorn.conf.py, configs/waitress-serve.sh) on 127.0.0.1, as
the fixtures of conftest.py do, since the test ends it, and with the
stop signals at their default action, as a service manager starts it
(whatever the test run inherited). A GET of /slow
(yourapplication) is sent over a raw socket: its first line comes at
once, the rest after a pause. Once the first line has arrived the
request is under way in the application, and the server gets its signal.
Then the test measures, from the signal:

* when the in-flight response ended, and whether it was complete (as
  many body bytes as its Content-Length announced);
* what happened to a connection opened after the signal: answered,
  refused, or accepted by the kernel into the listening socket's queue
  and reset, without a byte of response, when the server closed it;
* when the port started refusing connections, and how much of the
  in-flight response the client had still to read then;
* when the server exited.

The figures are printed (``-s``, and in the summary at the end).
"""
import bisect
import errno
import signal
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import PYTHON, VENV_BIN, fill_config, python_env
from server_process import make_dir, start_server

#: The first line of a /slow response (yourapplication.SLOW_FIRST_PART).
FIRST_PART = b"the first part, sent at once\n"

#: How long any one wait of these tests may take before it fails.
TIMEOUT = 20

#: How often the port is tried while the server drains.
POLL = 0.02

MB = 1024 * 1024


# -- servers ----------------------------------------------------------------


#: The signals a server is started with at their default action, as
#: systemd and container runtimes start one. A shell that runs a command
#: in the background (``&``, nohup, some CI runners) starts it with SIGINT
#: and SIGQUIT ignored, every process started from there inherits that,
#: and a Python started with SIGINT ignored never raises
#: KeyboardInterrupt: waitress would not stop on SIGINT at all.
DEFAULT_SIGNALS = (signal.SIGINT, signal.SIGQUIT, signal.SIGTERM)


def _with_default_signals(argv):
    """``argv``, run (in the same process, by exec) with DEFAULT_SIGNALS
    at their default action whatever the test run inherited."""
    reset = (
        "import os, signal, sys\n"
        f"for number in {[int(sig) for sig in DEFAULT_SIGNALS]}:\n"
        "    signal.signal(number, signal.SIG_DFL)\n"
        "os.execv(sys.argv[1], sys.argv[1:])\n"
    )
    return [PYTHON, "-c", reset, *argv]


def _signal_mask(pid, field_name):
    """The set of signal numbers in a /proc/<pid>/status mask (SigIgn:
    ignored, SigCgt: caught by a handler)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            mask = int(line.split()[1], 16)
            return {number for number in range(1, 65) if mask >> (number - 1) & 1}
    raise AssertionError(f"no {field_name} in /proc/{pid}/status")


def _catches(server, sig):
    """Whether the server's process has a handler for ``sig`` (and does
    not ignore it): the premise of a test that stops it with ``sig``."""
    return (sig in _signal_mask(server.pid, "SigCgt")
            and sig not in _signal_mask(server.pid, "SigIgn"))


@pytest.fixture
def stoppable(run_dir, app_dir, request):
    """A function that starts yourapplication on ``'gunicorn'`` (with
    ``options`` added to its command line) or ``'waitress'``, from the
    docs' file, and returns the server; every server started is stopped
    (and waited for) when the test ends, whatever the test did to it."""
    started = []

    def start(kind, options=()):
        conf = make_dir(run_dir / f"{request.node.name}-{len(started)}")
        if kind == "gunicorn":
            path = fill_config("gunicorn.conf.py", conf, port=0, appdir=app_dir, rundir=conf)
            # Options on the command line override the config file's.
            argv = [VENV_BIN / "gunicorn", "--config", path, *options, "yourapplication:app"]
            server = start_server(kind, _with_default_signals(argv), conf,
                                  env=python_env(app_dir), cwd=app_dir)
        else:
            assert not options
            path = fill_config("waitress-serve.sh", conf, port=0, appdir=app_dir)
            # The script ends in exec: the signal goes to waitress itself.
            server = start_server(kind, _with_default_signals(["/bin/sh", path]), conf,
                                  env=python_env(app_dir))
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


# -- clients ----------------------------------------------------------------


@dataclass
class Exchange:
    """One request on a raw socket and what came back: the bytes, and
    how and when (time.monotonic()) the connection ended."""

    data: bytearray = field(default_factory=bytearray)
    #: "eof", "reset" or "refused".
    ending: str = ""
    ended_at: float = 0.0
    #: When the whole body announced by Content-Length had arrived.
    complete_at: float = 0.0
    #: (time.monotonic(), len(data)) after every read.
    progress: list = field(default_factory=list)

    @property
    def status_line(self):
        return bytes(self.data[:self.data.find(b"\r\n")])

    def body_lengths(self):
        """(body bytes received, Content-Length announced), or (0, None)
        before the headers are complete. Only the head is copied: this
        runs after every chunk of a body of many megabytes."""
        end = self.data.find(b"\r\n\r\n", 0, 65536)
        if end < 0:
            return 0, None
        received = len(self.data) - end - 4
        for line in bytes(self.data[:end]).split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                return received, int(value)
        return received, None

    @property
    def complete(self):
        received, announced = self.body_lengths()
        return announced is not None and received == announced

    def add(self, chunk):
        """Take in bytes just read, noting when."""
        now = time.monotonic()
        self.data += chunk
        self.progress.append((now, len(self.data)))
        if not self.complete_at and self.complete:
            self.complete_at = now

    def unread_at(self, when):
        """How many bytes of the response (head and announced body) the
        client had not yet read at ``when``."""
        received, announced = self.body_lengths()
        total = len(self.data) - received + (received if announced is None else announced)
        index = bisect.bisect_right(self.progress, (when, float("inf")))
        return total - (self.progress[index - 1][1] if index else 0)


#: The receive buffer of the in-flight request's socket. Set, it stays
#: this size (Linux doubles it) instead of growing with the transfer:
#: what the server has sent but the client not yet read stays bounded.
RCVBUF = 256 * 1024


def _kernel_buffers():
    """The most of a response the kernel can hold once the server has
    written it: the server socket's send buffer at its largest (Linux
    grows it up to tcp_wmem's last figure), the client's receive buffer
    as set (doubled), and a segment or two of slack."""
    wmem = int(Path("/proc/sys/net/ipv4/tcp_wmem").read_text().split()[2])
    return wmem + 2 * RCVBUF + 128 * 1024


def _connect(server, rcvbuf=None):
    sock = socket.socket()
    sock.settimeout(TIMEOUT)
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    try:
        sock.connect((server.host, server.port))
    except BaseException:
        sock.close()
        raise
    return sock


def _request(path):
    return (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
            .encode("ascii"))


#: The most one read takes.
READ_SIZE = 256 * 1024


def _read_until_closed(sock, exchange, rate=None):
    """Read until the server closes the connection; note how and when.

    With ``rate`` (bytes a second) the client is slower than the server,
    as most are over a real network: after each read it waits as long as
    the bytes it got take at that rate (counted from when they arrived,
    or from the end of the previous wait if they were already there). Its
    pace is the rate whatever sizes the kernel's buffers cut the stream
    into; a fixed pause after each read would make it as slow as the
    number of reads, which those sizes and the machine's load decide."""
    due = 0.0
    with sock:
        while True:
            if rate:
                delay = due - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            try:
                chunk = sock.recv(READ_SIZE)
            except ConnectionResetError:
                exchange.ending = "reset"
                break
            if not chunk:
                exchange.ending = "eof"
                break
            exchange.add(chunk)
            if rate:
                due = max(due, exchange.progress[-1][0]) + len(chunk) / rate
    exchange.ended_at = time.monotonic()


class InFlight:
    """A GET of /slow whose response is under way: created once its first
    line has arrived; the rest is read by a thread of its own."""

    def __init__(self, server, seconds, size, rate=None):
        self.exchange = Exchange()
        sock = _connect(server, rcvbuf=RCVBUF)
        #: The application's pause starts after the request has reached
        #: it: it cannot end before ``sent_at + seconds``.
        self.sent_at = time.monotonic()
        sock.sendall(_request(f"/slow?seconds={seconds}&size={size}"))
        while FIRST_PART not in self.exchange.data:
            chunk = sock.recv(65536)
            assert chunk, f"the server closed /slow early: {bytes(self.exchange.data)!r}"
            self.exchange.add(chunk)
        assert self.exchange.status_line == b"HTTP/1.1 200 OK", self.exchange.data
        self._thread = threading.Thread(target=_read_until_closed,
                                        args=(sock, self.exchange, rate))
        self._thread.start()

    def wait(self):
        self._thread.join(TIMEOUT)
        assert not self._thread.is_alive(), "the in-flight response never ended"
        return self.exchange


class LateRequest:
    """A GET of / on a connection opened after the signal, read in a
    thread of its own: refused, or whatever the server does with it."""

    def __init__(self, server):
        self.exchange = Exchange()
        self._thread = None
        try:
            sock = _connect(server)
        except ConnectionRefusedError:
            self._end("refused")
            return
        except ConnectionResetError:
            # The listening socket closed while the kernel was making
            # this connection (see _first_refusal).
            self._end("reset")
            return
        try:
            sock.sendall(_request("/"))
        except (ConnectionResetError, BrokenPipeError):
            # Queued, and reset when the server closed its listening
            # socket, all before the request could be sent: a dying
            # server (waitress on SIGTERM) does that at any moment.
            sock.close()
            self._end("reset")
            return
        self._thread = threading.Thread(target=_read_until_closed, args=(sock, self.exchange))
        self._thread.start()

    def _end(self, ending):
        self.exchange.ending = ending
        self.exchange.ended_at = time.monotonic()

    def wait(self):
        if self._thread is not None:
            self._thread.join(TIMEOUT)
            assert not self._thread.is_alive(), "the late connection hung"
        return self.exchange


def _first_refusal(server, deadline):
    """Try to connect every POLL seconds until the port refuses; return
    when (time.monotonic()). A connection the kernel still accepts is
    closed again at once.

    A connection being made while the last process holding the listening
    socket closes it is reset instead (ECONNRESET from connect): the
    kernel drops what it had half-made or queued on that socket. The port
    does not refuse yet at that instant; the next try, at once, tells."""
    while time.monotonic() < deadline:
        probe = socket.socket()
        probe.settimeout(TIMEOUT)
        try:
            probe.connect((server.host, server.port))
        except ConnectionResetError:
            continue
        except OSError as error:
            assert error.errno == errno.ECONNREFUSED, error
            return time.monotonic()
        finally:
            probe.close()
        time.sleep(POLL)
    raise AssertionError("the port still accepted connections")


@dataclass
class Stop:
    """What a stop looked like, in seconds after the signal."""

    in_flight: Exchange
    late: Exchange
    #: The earliest the application can have ended its pause.
    app_done: float
    response_end: float
    late_end: float
    refused: float
    #: Bytes of the in-flight response the client had not read yet when
    #: the port first refused.
    unread_at_refusal: int
    exited: float
    returncode: int


#: The pace of a client slower than the server: 16 MB a second (the
#: server, on loopback, sends many times that).
SLOW_CLIENT = 16 * MB


def _stop_under_request(server, sig, seconds, size, rate=None):
    """Send ``sig`` to ``server`` while a /slow request (``seconds``,
    ``size``, read at ``rate``) is under way, and watch what follows."""
    in_flight = InFlight(server, seconds, size, rate)
    signalled = time.monotonic()
    server.process.send_signal(sig)
    late = LateRequest(server)
    refused = _first_refusal(server, signalled + TIMEOUT)
    returncode = server.process.wait(TIMEOUT)
    exited = time.monotonic()
    answer, late_answer = in_flight.wait(), late.wait()
    return Stop(
        in_flight=answer,
        late=late_answer,
        app_done=in_flight.sent_at + seconds - signalled,
        response_end=answer.ended_at - signalled,
        late_end=late_answer.ended_at - signalled,
        refused=refused - signalled,
        unread_at_refusal=answer.unread_at(refused),
        exited=exited - signalled,
        returncode=returncode,
    )


def _answered_whole_or_reset(late):
    """A connection opened after the signal was refused, answered in full
    (by a worker the signal had not reached yet: the master passes it on
    a moment later), or reset without a byte of response: never answered
    in part, never left hanging."""
    if late.ending == "eof":
        return late.status_line == b"HTTP/1.1 200 OK" and late.complete
    return late.ending in ("refused", "reset") and not late.data


def _describe(stop):
    received, announced = stop.in_flight.body_lengths()
    return (f"in-flight response {'complete' if stop.in_flight.complete else 'CUT'}"
            f" ({received} of {announced} bytes) after {stop.response_end:.2f}s;"
            f" a connection opened after the signal: {stop.late.ending}"
            f" ({len(stop.late.data)} bytes) after {stop.late_end:.2f}s;"
            f" port refused after {stop.refused:.2f}s"
            f" ({stop.unread_at_refusal} bytes of the response still unread);"
            f" exited after {stop.exited:.2f}s")


# -- gunicorn -----------------------------------------------------------------


def test_gunicorn_sigterm_lets_the_request_in_flight_finish(stoppable, figure):
    # SIGTERM (what systemd and container runtimes send) is gunicorn's
    # graceful stop: the master stops its workers, and a worker busy with
    # a request first finishes it. 16 MB is more than the socket buffers
    # hold: the worker must keep sending after the signal, not just have
    # its response in the kernel. The client reads 16 MB a second.
    assert 16 * MB > 2 * _kernel_buffers()
    server = stoppable("gunicorn")
    stop = _stop_under_request(server, signal.SIGTERM, seconds=1.5, size=16 * MB,
                               rate=SLOW_CLIENT)
    figure(f"gunicorn SIGTERM: {_describe(stop)}")
    assert stop.in_flight.complete, stop.in_flight.body_lengths()
    assert stop.in_flight.ending == "eof"
    # The response waited for the application's 1.5 s (less the moment
    # before the signal) and the client's reading (1 s at its pace), and
    # no longer than the bound the docs give.
    assert stop.app_done + 0.9 <= stop.response_end <= 4.0
    # A connection opened meanwhile is taken into the queue of the
    # listening socket, which the busy worker still holds open; once the
    # workers have the signal none accepts it any more, and it is reset,
    # unanswered, when the last one exits.
    assert _answered_whole_or_reset(stop.late)
    assert stop.late_end <= stop.exited + 0.5
    # The port kept accepting while the worker was sending: when it first
    # refused, no more of the response was left to read than the kernel's
    # buffers hold. It refused soon after the response ended.
    assert stop.unread_at_refusal <= _kernel_buffers()
    assert stop.app_done <= stop.refused <= stop.response_end + 1.0
    assert stop.returncode == 0
    assert stop.exited <= 5.0


def test_gunicorn_cuts_a_request_longer_than_graceful_timeout(stoppable, figure):
    # graceful_timeout (30 s unless set) bounds the wait: a worker still
    # busy then is killed, and its response ends where it was.
    server = stoppable("gunicorn", options=["--graceful-timeout", "1"])
    stop = _stop_under_request(server, signal.SIGTERM, seconds=4, size=1000)
    figure(f"gunicorn SIGTERM, graceful_timeout 1: {_describe(stop)}")
    assert not stop.in_flight.complete
    assert stop.in_flight.body_lengths()[0] == len(FIRST_PART)
    assert 0.9 <= stop.response_end <= 2.5
    assert _answered_whole_or_reset(stop.late)
    assert 0.9 <= stop.refused <= 2.5
    assert stop.exited <= 3.0


# -- waitress -----------------------------------------------------------------


def test_waitress_sigterm_drops_the_request_in_flight(stoppable, figure):
    # waitress-serve sets no handler for SIGTERM: the process ends at
    # once, and so does every connection it had, the in-flight response
    # cut after its first line.
    server = stoppable("waitress")
    assert signal.SIGTERM not in _signal_mask(server.pid, "SigCgt")
    stop = _stop_under_request(server, signal.SIGTERM, seconds=1.5, size=1000)
    figure(f"waitress SIGTERM: {_describe(stop)}")
    assert not stop.in_flight.complete
    assert stop.in_flight.body_lengths()[0] == len(FIRST_PART)
    assert stop.response_end <= 0.5
    # Nothing listens any more: refused at once (or, for a connection
    # the kernel took in the instant before the process was gone, reset
    # without a byte of response).
    assert stop.late.ending in ("refused", "reset") and not stop.late.data
    assert stop.late_end <= 0.5
    assert stop.refused <= 0.5
    assert stop.returncode == -signal.SIGTERM


def test_waitress_sigint_lets_a_short_request_in_flight_finish(stoppable, figure):
    # SIGINT (Ctrl-C) ends waitress's main loop with KeyboardInterrupt;
    # waitress then waits for the threads running requests, at most
    # 5 seconds, before it exits.
    server = stoppable("waitress")
    assert _catches(server, signal.SIGINT)
    stop = _stop_under_request(server, signal.SIGINT, seconds=1.5, size=1000)
    figure(f"waitress SIGINT: {_describe(stop)}")
    assert stop.in_flight.complete, stop.in_flight.body_lengths()
    assert stop.app_done <= stop.response_end <= 3.0
    # The listening socket stays open until the process exits: a
    # connection opened meanwhile is queued, never answered, and reset.
    assert _answered_whole_or_reset(stop.late)
    assert stop.late_end <= stop.exited + 0.5
    # The port refused only once the application was done, and soon
    # after the response ended.
    assert stop.app_done <= stop.refused <= stop.response_end + 1.0
    assert stop.returncode == 0


def test_waitress_sigint_cuts_a_response_larger_than_the_socket_takes(stoppable, figure):
    # After SIGINT nothing runs waitress's main loop, which sends what
    # did not fit into the socket at once: the thread of the request
    # hands its 32 MB to waitress's buffers, the kernel takes what fits
    # into the socket's buffers, and the rest is never sent. (gunicorn's
    # worker sends its 16 MB whole to the same slow client, in the test
    # above.) The premise: 32 MB is more than the socket buffers hold.
    assert 32 * MB > 2 * _kernel_buffers(), "the socket buffers hold the response"
    server = stoppable("waitress")
    assert _catches(server, signal.SIGINT)
    stop = _stop_under_request(server, signal.SIGINT, seconds=1.5, size=32 * MB,
                               rate=SLOW_CLIENT)
    figure(f"waitress SIGINT, 32 MB response: {_describe(stop)}")
    received, announced = stop.in_flight.body_lengths()
    assert announced == 32 * MB
    assert received < announced
    assert stop.response_end <= 3.0
    assert stop.returncode == 0


def test_waitress_sigint_drops_a_request_still_running_after_5_seconds(stoppable, figure):
    # The wait after SIGINT is waitress's own 5 seconds, not settable
    # from waitress-serve: a request that needs longer gets nothing more.
    server = stoppable("waitress")
    assert _catches(server, signal.SIGINT)
    stop = _stop_under_request(server, signal.SIGINT, seconds=7, size=1000)
    figure(f"waitress SIGINT, 7 s request: {_describe(stop)}")
    assert not stop.in_flight.complete
    assert stop.in_flight.body_lengths()[0] == len(FIRST_PART)
    assert 4.5 <= stop.response_end <= 6.0
    assert stop.returncode == 0
