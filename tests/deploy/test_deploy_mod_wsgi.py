"""yourapplication on Apache httpd with mod_wsgi (configs/apache-mod_wsgi.conf),
loaded from configs/yourapplication.wsgi into a daemon process group whose
virtual environment is made with the Python mod_wsgi embeds."""
import os
import pwd

import pytest

import deploy_checks as checks


def test_mod_wsgi_serves_page(mod_wsgi):
    checks.check_page(mod_wsgi.url)


def test_mod_wsgi_passes_post_form(mod_wsgi):
    checks.check_post_form(mod_wsgi.url)


def test_mod_wsgi_redirect_can_be_followed(mod_wsgi):
    checks.check_redirect_followed(mod_wsgi.url)


def test_mod_wsgi_session_survives_requests(mod_wsgi):
    checks.check_session(mod_wsgi.url)


def test_mod_wsgi_serves_static_file(mod_wsgi):
    checks.check_static_file(mod_wsgi.url)


def test_mod_wsgi_unknown_url_is_404(mod_wsgi):
    checks.check_not_found(mod_wsgi.url)


def test_mod_wsgi_runs_app_in_daemon_process(mod_wsgi):
    # The application runs in mod_wsgi's daemon process, a child of
    # Apache's parent process that display-name=%{GROUP} names after its
    # process group, and not in one of Apache's own workers.
    count, pid = checks.visits(checks.Browser().request(mod_wsgi.url + "/counter"))
    assert count == 1
    with open(f"/proc/{pid}/stat") as stat:
        parent = int(stat.read().rsplit(")", 1)[1].split()[1])
    assert parent == mod_wsgi.pid
    with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
        # The name replaces argv[0] and is cut to its length.
        assert cmdline.read().startswith(b"(wsgi:yourapplica")


def test_mod_wsgi_daemon_runs_as_www_data(mod_wsgi):
    # Started as root, Apache runs the daemon process as its User.
    if os.geteuid() != 0:
        pytest.skip("Apache changes users only when started as root")
    _, pid = checks.visits(checks.Browser().request(mod_wsgi.url + "/counter"))
    assert os.stat(f"/proc/{pid}").st_uid == pwd.getpwnam("www-data").pw_uid


def test_mod_wsgi_listens_on_loopback_only(mod_wsgi):
    checks.check_listens_on_loopback_only(mod_wsgi.url)
