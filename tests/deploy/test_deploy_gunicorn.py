"""yourapplication on gunicorn with two sync worker processes, configured
by configs/gunicorn.conf.py: besides the usual checks, a session started
on one worker is honoured by the other, because both sign the cookie with
the application's one secret_key."""
import socket
import time
import urllib.parse

import deploy_checks as checks


def test_gunicorn_serves_page(gunicorn):
    checks.check_page(gunicorn.url)


def test_gunicorn_passes_post_form(gunicorn):
    checks.check_post_form(gunicorn.url)


def test_gunicorn_redirect_can_be_followed(gunicorn):
    checks.check_redirect_followed(gunicorn.url)


def test_gunicorn_session_survives_requests(gunicorn):
    checks.check_session(gunicorn.url)


def test_gunicorn_serves_static_file(gunicorn):
    checks.check_static_file(gunicorn.url)


def test_gunicorn_unknown_url_is_404(gunicorn):
    checks.check_not_found(gunicorn.url)


def _hold_a_worker(url):
    """Open a connection and send nothing: a sync worker that accepts it
    stays busy waiting for the request, so the other worker must answer
    whatever comes next. Returns the open socket."""
    parts = urllib.parse.urlsplit(url)
    idle = socket.create_connection((parts.hostname, parts.port), timeout=10)
    # Wait (bounded) until a worker has accepted it: the listening socket's
    # accept queue is empty again.
    deadline = time.monotonic() + 10
    while any(queued for _, queued in checks.listening_sockets(parts.port)):
        assert time.monotonic() < deadline, "no worker accepted the connection"
        time.sleep(0.02)
    return idle


def test_gunicorn_session_is_shared_by_both_workers(gunicorn):
    browser = checks.Browser()
    first_idle = _hold_a_worker(gunicorn.url)
    try:
        # One worker is stuck on first_idle: the other (A) starts the session.
        count, worker_a = checks.visits(browser.request(gunicorn.url + "/counter"))
        assert count == 1
        # Now hold worker A (the only free one), then free the first worker:
        # it is the only one left to serve the next request.
        second_idle = _hold_a_worker(gunicorn.url)
        try:
            first_idle.close()
            count, worker_b = checks.visits(browser.request(gunicorn.url + "/counter"))
        finally:
            second_idle.close()
    finally:
        first_idle.close()
    assert worker_b != worker_a, "both requests were served by the same worker"
    # Worker B read the session that worker A signed.
    assert count == 2


def test_gunicorn_listens_on_loopback_only(gunicorn):
    checks.check_listens_on_loopback_only(gunicorn.url)
