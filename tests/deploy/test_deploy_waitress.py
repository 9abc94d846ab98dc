"""yourapplication on waitress, started by configs/waitress-serve.sh
(waitress-serve --listen=127.0.0.1:PORT)."""
import deploy_checks as checks


def test_waitress_serves_page(waitress):
    checks.check_page(waitress.url)


def test_waitress_passes_post_form(waitress):
    checks.check_post_form(waitress.url)


def test_waitress_redirect_can_be_followed(waitress):
    checks.check_redirect_followed(waitress.url)


def test_waitress_session_survives_requests(waitress):
    checks.check_session(waitress.url)


def test_waitress_serves_static_file(waitress):
    checks.check_static_file(waitress.url)


def test_waitress_unknown_url_is_404(waitress):
    checks.check_not_found(waitress.url)


def test_waitress_listens_on_loopback_only(waitress):
    checks.check_listens_on_loopback_only(waitress.url)
