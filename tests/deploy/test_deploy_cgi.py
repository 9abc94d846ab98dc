"""yourapplication as a CGI script (configs/yourapplication.cgi, with
wsgiref's CGIHandler) run for every request under /yourapplication by
lighttpd's mod_cgi (configs/lighttpd-cgi.conf) and by Apache's mod_cgi
(configs/apache-cgi.conf). Each test runs with both (the cgi_server
fixture)."""
import deploy_checks as checks


def test_cgi_serves_page(cgi):
    checks.check_page(cgi.url)


def test_cgi_links_work_at_mount_point(cgi):
    checks.check_links_work(cgi.url)


def test_cgi_passes_post_form(cgi):
    checks.check_post_form(cgi.url)


def test_cgi_redirect_can_be_followed(cgi):
    checks.check_redirect_followed(cgi.url)


def test_cgi_session_survives_requests(cgi):
    checks.check_session(cgi.url)


def test_cgi_serves_static_file(cgi):
    checks.check_static_file(cgi.url)


def test_cgi_unknown_url_is_404(cgi):
    checks.check_not_found(cgi.url)


def test_cgi_listens_on_loopback_only(cgi):
    checks.check_listens_on_loopback_only(cgi.url)
