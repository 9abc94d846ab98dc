"""yourapplication on gevent's WSGI server, gevent.pywsgi.WSGIServer, run
by configs/gevent_server.py."""
import deploy_checks as checks


def test_gevent_serves_page(gevent):
    checks.check_page(gevent.url)


def test_gevent_passes_post_form(gevent):
    checks.check_post_form(gevent.url)


def test_gevent_redirect_can_be_followed(gevent):
    checks.check_redirect_followed(gevent.url)


def test_gevent_session_survives_requests(gevent):
    checks.check_session(gevent.url)


def test_gevent_serves_static_file(gevent):
    checks.check_static_file(gevent.url)


def test_gevent_unknown_url_is_404(gevent):
    checks.check_not_found(gevent.url)


def test_gevent_listens_on_loopback_only(gevent):
    checks.check_listens_on_loopback_only(gevent.url)
