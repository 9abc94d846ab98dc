"""yourapplication on uWSGI (configs/uwsgi.ini: the uwsgi protocol on a
TCP port, 2 worker processes) behind nginx (configs/nginx-uwsgi.conf,
uwsgi_pass)."""
import signal
import subprocess
import sys
from pathlib import Path

import deploy_checks as checks

UWSGI = Path(sys.executable).parent / "uwsgi"


def test_uwsgi_serves_page(uwsgi):
    checks.check_page(uwsgi.url)


def test_uwsgi_links_work(uwsgi):
    checks.check_links_work(uwsgi.url)


def test_uwsgi_passes_post_form(uwsgi):
    checks.check_post_form(uwsgi.url)


def test_uwsgi_redirect_can_be_followed(uwsgi):
    checks.check_redirect_followed(uwsgi.url)


def test_uwsgi_session_survives_requests(uwsgi):
    checks.check_session(uwsgi.url)


def test_uwsgi_serves_static_file(uwsgi):
    checks.check_static_file(uwsgi.url)


def test_uwsgi_unknown_url_is_404(uwsgi):
    checks.check_not_found(uwsgi.url)


def test_uwsgi_listens_on_loopback_only(uwsgi):
    checks.check_listens_on_loopback_only(uwsgi.url)


def test_uwsgi_refuses_to_start_without_the_application(uwsgi, uwsgi_config, run_dir):
    # need-app: an application that cannot be imported stops uWSGI at
    # once, instead of leaving it running and answering every request
    # with an error.
    empty = run_dir / "no-app"
    ini = uwsgi_config("no-app", empty)
    result = subprocess.run([UWSGI, "--ini", ini], cwd=empty,
                            capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert "no app loaded" in (result.stdout + result.stderr).lower()


def test_uwsgi_stops_on_sigterm(uwsgi):
    # die-on-term: SIGTERM ends uWSGI instead of reloading it. Last test
    # of the module: the server is gone afterwards.
    uwsgi.uwsgi.process.send_signal(signal.SIGTERM)
    assert uwsgi.uwsgi.process.wait(10) == 0
