"""yourapplication as a FastCGI server (flup, configs/yourapplication.fcgi)
behind nginx, mounted at the root (configs/nginx-fastcgi.conf) and under
/yourapplication (configs/nginx-fastcgi-prefix.conf). Under the prefix
the application sees it as SCRIPT_NAME, so the links url_for builds carry
it and work when followed. The same FastCGI server is also tested behind
lighttpd, at the root (configs/lighttpd-fastcgi.conf) and under the
prefix (configs/lighttpd-fastcgi-prefix.conf). Each test runs with both
mount points (the fastcgi_mount fixture)."""
import deploy_checks as checks


def test_fastcgi_serves_page(fastcgi):
    checks.check_page(fastcgi.url)


def test_fastcgi_links_work_at_mount_point(fastcgi):
    checks.check_links_work(fastcgi.url)


def test_fastcgi_passes_post_form(fastcgi):
    checks.check_post_form(fastcgi.url)


def test_fastcgi_redirect_can_be_followed(fastcgi):
    checks.check_redirect_followed(fastcgi.url)


def test_fastcgi_session_survives_requests(fastcgi):
    checks.check_session(fastcgi.url)


def test_fastcgi_serves_static_file(fastcgi):
    checks.check_static_file(fastcgi.url)


def test_fastcgi_unknown_url_is_404(fastcgi):
    checks.check_not_found(fastcgi.url)


def test_fastcgi_lighttpd_serves_page(fastcgi_lighttpd):
    checks.check_page(fastcgi_lighttpd.url)


def test_fastcgi_lighttpd_links_work_at_mount_point(fastcgi_lighttpd):
    checks.check_links_work(fastcgi_lighttpd.url)


def test_fastcgi_lighttpd_passes_post_form(fastcgi_lighttpd):
    checks.check_post_form(fastcgi_lighttpd.url)


def test_fastcgi_lighttpd_redirect_can_be_followed(fastcgi_lighttpd):
    checks.check_redirect_followed(fastcgi_lighttpd.url)


def test_fastcgi_lighttpd_session_survives_requests(fastcgi_lighttpd):
    checks.check_session(fastcgi_lighttpd.url)


def test_fastcgi_lighttpd_serves_static_file(fastcgi_lighttpd):
    checks.check_static_file(fastcgi_lighttpd.url)


def test_fastcgi_lighttpd_unknown_url_is_404(fastcgi_lighttpd):
    checks.check_not_found(fastcgi_lighttpd.url)


def test_fastcgi_listens_on_loopback_only(fastcgi):
    checks.check_listens_on_loopback_only(fastcgi.url)


def test_fastcgi_lighttpd_listens_on_loopback_only(fastcgi_lighttpd):
    checks.check_listens_on_loopback_only(fastcgi_lighttpd.url)
