"""32 clients × 200 requests each, at once, against the threaded
development server and against gunicorn's threaded worker. Every client
has its own session and sends its own ``g`` values; every response must
carry that client's data and nobody else's, with zero errors."""
import http.client
import importlib.util
import secrets
import threading
import time
from pathlib import Path

import pytest
from werkzeug.http import parse_cookie

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
CLIENTS = 32
REQUESTS_PER_CLIENT = 200


def run_client(port, number, failures, timeout=30):
    """One client: log in, then send ``REQUESTS_PER_CLIENT`` requests on a
    keep-alive connection, checking each answer. Problems are appended to
    ``failures``; the function itself never raises."""
    name = f"client{number}"
    cookie = ""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def get(path):
        nonlocal cookie
        headers = {"X-Client": name}
        if cookie:
            headers["Cookie"] = "session=" + cookie
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = parse_cookie(header).get("session", cookie)
        if response.headers.get("Connection", "").lower() == "close":
            connection.close()
        return response.status, body

    try:
        status, body = get(f"/login/{name}")
        if (status, body) != (200, f"logged in {name}"):
            failures.append(f"{name} login: {status} {body!r}")
            return
        for count in range(1, REQUESTS_PER_CLIENT + 1):
            nonce = secrets.token_hex(8)
            status, body = get(f"/whoami?nonce={nonce}")
            expected = f"{name} {count} {name} {nonce}"
            if (status, body) != (200, expected):
                failures.append(f"{name} request {count}: {status} {body!r}, expected {expected!r}")
                return
    except Exception as e:  # a connection error is a failure to report
        failures.append(f"{name}: {type(e).__name__}: {e}")
    finally:
        connection.close()


def hammer(port):
    """Run all clients at once; return ``(failures, requests, seconds)``."""
    failures = []
    threads = [
        threading.Thread(target=run_client, args=(port, number, failures))
        for number in range(CLIENTS)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    seconds = time.perf_counter() - started
    assert not any(thread.is_alive() for thread in threads), "a client hung"
    return failures, CLIENTS * (REQUESTS_PER_CLIENT + 1), seconds


def check_and_report(server, failures, requests, seconds, figure):
    rate = requests / seconds
    figure(
        f"{server}: {CLIENTS} clients x {REQUESTS_PER_CLIENT} requests,"
        f" {len(failures)} errors or cross-talk, {requests} requests in"
        f" {seconds:.1f} s = {rate:.0f} requests/s"
    )
    assert not failures, f"{len(failures)} failures, first: {failures[:5]}"


def test_threaded_development_server_keeps_clients_apart(
    server_process, python, figure
):
    """``app.run(threaded=True)``, in a subprocess."""
    server = server_process([python, "reliability_app.py", "0"], cwd=HERE)
    failures, requests, seconds = hammer(server.port)
    check_and_report("app.run(threaded=True)", failures, requests, seconds, figure)


def test_gunicorn_threads_keep_clients_apart(
    server_process, python, figure, require
):
    """gunicorn with one worker process of 8 threads (gthread)."""
    require(importlib.util.find_spec("gunicorn"), "gunicorn is not installed")
    server = server_process(
        [
            python, "-m", "gunicorn", "--worker-class", "gthread", "--threads", "8",
            "--workers", "1", "--bind", "127.0.0.1:0", "--no-control-socket",
            "--log-level", "warning", "reliability_app:app",
        ],
        cwd=HERE,
    )
    failures, requests, seconds = hammer(server.port)
    check_and_report("gunicorn gthread, 8 threads", failures, requests, seconds, figure)
