"""yourapplication in Tornado's WSGIContainer (with a thread pool executor),
run by configs/tornado_server.py."""
import deploy_checks as checks


def test_tornado_serves_page(tornado):
    checks.check_page(tornado.url)


def test_tornado_passes_post_form(tornado):
    checks.check_post_form(tornado.url)


def test_tornado_redirect_can_be_followed(tornado):
    checks.check_redirect_followed(tornado.url)


def test_tornado_session_survives_requests(tornado):
    checks.check_session(tornado.url)


def test_tornado_serves_static_file(tornado):
    checks.check_static_file(tornado.url)


def test_tornado_unknown_url_is_404(tornado):
    checks.check_not_found(tornado.url)


def test_tornado_listens_on_loopback_only(tornado):
    checks.check_listens_on_loopback_only(tornado.url)


def test_tornado_runs_app_beside_event_loop(tornado):
    # The executor runs the application off the event loop, which stays
    # free to answer other requests.
    checks.check_serves_requests_side_by_side(tornado.url)
