"""yourapplication on Werkzeug's development server, started with app.run():
configs/devserver.py (debug off) serves it and answers an unhandled
exception with a bare 500 page; configs/devserver_debug.py (debug on)
shows the interactive debugger instead, whose console needs the PIN."""
import re
import urllib.parse

import deploy_checks as checks


def test_devserver_serves_page(devserver):
    checks.check_page(devserver.url)


def test_devserver_passes_post_form(devserver):
    checks.check_post_form(devserver.url)


def test_devserver_redirect_can_be_followed(devserver):
    checks.check_redirect_followed(devserver.url)


def test_devserver_session_survives_requests(devserver):
    checks.check_session(devserver.url)


def test_devserver_serves_static_file(devserver):
    checks.check_static_file(devserver.url)


def test_devserver_unknown_url_is_404(devserver):
    checks.check_not_found(devserver.url)


def test_devserver_error_without_debug_is_500_without_traceback(devserver):
    reply = checks.Browser().request(devserver.url + "/fail")
    assert reply.status == 500
    assert "Internal Server Error" in reply.text
    assert "Traceback" not in reply.text
    assert "deliberate failure" not in reply.text
    assert "__debugger__" not in reply.text


def test_devserver_error_with_debug_shows_debugger(devserver_debug):
    reply = checks.Browser().request(devserver_debug.url + "/fail")
    assert reply.status == 500
    assert "Traceback" in reply.text
    assert "RuntimeError: deliberate failure in yourapplication" in reply.text
    # The interactive part: the debugger's script, with code execution on.
    assert "EVALEX = true" in reply.text
    assert "?__debugger__=yes&amp;cmd=resource&amp;f=debugger.js" in reply.text


def _console_command(server, browser, page, source):
    """Send ``source`` to the console of the innermost frame of a debugger
    page, as the page's script does, and return the reply."""
    secret = re.search(r'SECRET = "([^"]+)"', page.text).group(1)
    frame = re.findall(r'<div class="frame" id="frame-(\d+)">', page.text)[-1]
    query = urllib.parse.urlencode(
        {"__debugger__": "yes", "cmd": source, "frm": frame, "s": secret}
    )
    return browser.request(f"{server.url}/fail?{query}"), secret


def test_devserver_debugger_console_needs_pin(devserver_debug):
    browser = checks.Browser()
    page = browser.request(devserver_debug.url + "/fail")
    assert "EVALEX_TRUSTED = false" in page.text

    # Without the PIN the command is not run: the request falls through to
    # the application, which fails again with a new debugger page.
    reply, secret = _console_command(devserver_debug, browser, page, "6 * 7 * 1000003")
    assert "42000126" not in reply.text
    assert "RuntimeError: deliberate failure" in reply.text

    # A wrong PIN is refused.
    wrong = urllib.parse.urlencode(
        {"__debugger__": "yes", "cmd": "pinauth", "pin": "000-000-000", "s": secret}
    )
    assert '"auth": false' in browser.request(f"{devserver_debug.url}/?{wrong}").text


def test_devserver_debugger_console_runs_code_after_pin(devserver_debug):
    browser = checks.Browser()
    page = browser.request(devserver_debug.url + "/fail")
    secret = re.search(r'SECRET = "([^"]+)"', page.text).group(1)
    auth = urllib.parse.urlencode(
        {"__debugger__": "yes", "cmd": "pinauth", "pin": devserver_debug.pin, "s": secret}
    )
    assert '"auth": true' in browser.request(f"{devserver_debug.url}/?{auth}").text

    # The PIN cookie now lets the console evaluate code in the frame.
    reply, _ = _console_command(devserver_debug, browser, page, "6 * 7 * 1000003")
    assert reply.status == 200
    assert "42000126" in reply.text
    assert "RuntimeError" not in reply.text


def test_devserver_listens_on_loopback_only(devserver):
    checks.check_listens_on_loopback_only(devserver.url)
