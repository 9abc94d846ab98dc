"""yourapplication as a FastCGI server (flup, configs/yourapplication.fcgi)
behind nginx, mounted at the root (configs/nginx-fastcgi.conf) and under
/yourapplication (configs/nginx-fastcgi-prefix.conf). Under the prefix
the application sees it as SCRIPT_NAME, so the links url_for builds carry
it and work when followed. Each test runs with both mount points
(the fastcgi_mount fixture)."""
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
