"""yourapplication on Granian's WSGI interface, started by
configs/granian.sh (granian --interface wsgi, 2 workers)."""
import deploy_checks as checks


def test_granian_serves_page(granian):
    checks.check_page(granian.url)


def test_granian_links_work(granian):
    checks.check_links_work(granian.url)


def test_granian_passes_post_form(granian):
    checks.check_post_form(granian.url)


def test_granian_redirect_can_be_followed(granian):
    checks.check_redirect_followed(granian.url)


def test_granian_session_survives_requests(granian):
    checks.check_session(granian.url)


def test_granian_serves_static_file(granian):
    checks.check_static_file(granian.url)


def test_granian_unknown_url_is_404(granian):
    checks.check_not_found(granian.url)


def test_granian_listens_on_loopback_only(granian):
    checks.check_listens_on_loopback_only(granian.url)
