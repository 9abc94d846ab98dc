"""Fixtures of the browser tests: Debian's headless Chromium driven by
Selenium, and the example applications served by a real HTTP server on
127.0.0.1 with a temporary database.

Each test keeps a screenshot of every step in
``tests/browser/artifacts/<test name>/`` (ignored by git), to look at when
a test fails or to see what the pages look like.
"""
import functools
import importlib
import importlib.util
import json
import os
import shutil
import threading
import types
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = '/usr/bin/chromium'
CHROMEDRIVER = '/usr/bin/chromedriver'
EXAMPLES = Path(__file__).resolve().parents[2] / 'examples'
ARTIFACTS = Path(__file__).resolve().parent / 'artifacts'

# Upper bound, in seconds, of every wait for a page or an element.
WAIT = 15

# The flags Chromium needs to run headless in a container without a
# sandbox, a GPU or network access, and without talking to Google.
CHROMIUM_FLAGS = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
    '--window-size=1024,900',
    # Only our server is reachable: a request to any other host fails at
    # once instead of waiting for a network that is not there (and the
    # tests that look for such requests find them in the performance log).
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
]


#: The URL schemes of the browser's own pages.
BROWSER_PAGES = ('chrome:', 'chrome-untrusted:', 'chrome-search:', 'devtools:')


@functools.cache
def selenium():
    """The parts of Selenium the tests use. Imported when a browser test
    runs, not when the tests are collected: ``pytest -m "not slow"`` and a
    checkout without Selenium installed must not need it."""
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    return types.SimpleNamespace(
        webdriver=webdriver, Service=Service, By=By, ec=expected_conditions,
        WebDriverWait=WebDriverWait, WebDriverException=WebDriverException,
    )


class Browser:
    """A Chromium window on one served application, with the few actions
    the tests need. Every action waits (at most ``WAIT`` seconds) for its
    result, so the tests never sleep."""

    def __init__(self, driver, base_url, artifacts):
        self.driver = driver
        self.base_url = base_url
        self.artifacts = artifacts
        self.shots = 0

    def open(self, path):
        """Load the page at ``path`` of the served application."""
        self.driver.get(self.base_url + path)

    def find(self, css):
        """The first element matching the CSS selector ``css``, waiting
        for it to appear."""
        se = selenium()
        return se.WebDriverWait(self.driver, WAIT).until(
            se.ec.presence_of_element_located((se.By.CSS_SELECTOR, css)))

    def find_all(self, css):
        """Every element matching ``css`` on the current page (no wait)."""
        return self.driver.find_elements(selenium().By.CSS_SELECTOR, css)

    def click_link(self, text):
        """Follow the link whose text is ``text`` and wait for the next page."""
        se = selenium()
        link = se.WebDriverWait(self.driver, WAIT).until(
            se.ec.element_to_be_clickable((se.By.LINK_TEXT, text)))
        self.mark_page()
        link.click()
        self.wait_for_next_page()

    def submit(self, form_css='form', **fields):
        """Fill the named fields of a form, submit it and wait for the
        next page."""
        by = selenium().By
        form = self.find(form_css)
        for name, value in fields.items():
            field = form.find_element(by.NAME, name)
            field.clear()
            field.send_keys(value)
        self.mark_page()
        form.find_element(by.CSS_SELECTOR, '[type=submit]').click()
        self.wait_for_next_page()

    def mark_page(self):
        """Mark the current page, so that :meth:`wait_for_next_page` can
        tell it from the next one."""
        self.driver.execute_script('window.flaskTestOldPage = true;')

    def wait_for_next_page(self):
        """Wait until the marked page has been replaced by the next one and
        that one is fully loaded.

        This used to poll the old page's element with Selenium's
        staleness_of(), which only understands the stale-element error.
        While Chromium swaps one document for the next, chromedriver can
        answer a command on the old element with its generic "unknown
        error" instead (the node or its JavaScript context is already
        gone), a plain WebDriverException that ended the test: about one
        run in ten of the longest test. Now the mark lives in the old
        page's window object only, and errors during the swap are retried
        until the wait ends.
        """
        se = selenium()
        se.WebDriverWait(self.driver, WAIT, ignored_exceptions=(se.WebDriverException,)).until(
            lambda driver: driver.execute_script(
                'return !window.flaskTestOldPage'
                " && document.readyState === 'complete';"))

    def text(self, css='body'):
        """The visible text of the first element matching ``css``."""
        return self.find(css).text

    def flashes(self):
        """The flashed messages shown on the current page."""
        return [element.text for element in self.find_all('.flash')]

    def requested_urls(self):
        """The URL of every request that a web page sent since the last
        call (pages, images, stylesheets, scripts, also those that failed),
        from Chromium's performance log. Left out: the requests of the
        browser's own pages (its new tab page, on chrome:// URLs), and
        data: URLs, which no host serves."""
        urls = []
        for entry in self.driver.get_log('performance'):
            message = json.loads(entry['message'])['message']
            if message['method'] != 'Network.requestWillBeSent':
                continue
            document = message['params'].get('documentURL', '')
            url = message['params']['request']['url']
            if not document.startswith(BROWSER_PAGES) and not url.startswith('data:'):
                urls.append(url)
        return urls

    def screenshot(self, step):
        """Save a PNG of the page as the next numbered step; return its path."""
        self.shots += 1
        path = self.artifacts / f'{self.shots:02d}-{step}.png'
        self.driver.save_screenshot(str(path))
        return path


@pytest.fixture
def chromium(require, tmp_path):
    """A headless Chromium on a fresh profile, driven by Debian's
    chromedriver; closed after the test."""
    require(os.path.exists(CHROMIUM), f'{CHROMIUM} is missing'
            ' (apt-get install chromium)')
    require(os.path.exists(CHROMEDRIVER), f'{CHROMEDRIVER} is missing'
            ' (apt-get install chromium-driver)')
    require(importlib.util.find_spec('selenium'), 'Selenium is not installed'
            ' (pip install -r requirements-dev.txt)')

    se = selenium()
    options = se.webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    # Chromium's DevTools events, among them every request a page makes
    # (read with requested_urls below).
    options.set_capability('goog:loggingPrefs', {'performance': 'ALL'})
    # A profile of its own, so that no state leaks between tests or from
    # a Chromium someone runs on this machine.
    options.add_argument(f'--user-data-dir={tmp_path / "profile"}')
    service = se.Service(CHROMEDRIVER, log_output=str(tmp_path / 'chromedriver.log'))
    driver = se.webdriver.Chrome(options=options, service=service)
    try:
        driver.set_page_load_timeout(WAIT)
        driver.set_script_timeout(WAIT)
        yield driver
    finally:
        driver.quit()


#: The settings the examples read from the environment, as a deployment
#: sets them (debug off). flaskr's login is the one its own tests use, since
#: both suites may import the module in the same process.
EXAMPLE_ENV = {
    'SECRET_KEY': 'browser tests: a key used nowhere else',
    'FLASKR_USERNAME': 'admin',
    'FLASKR_PASSWORD': 'a password for the tests',
    'DEBUG': '',
}


def load_example(name, database, monkeypatch):
    """Import ``examples/<name>/<name>.py`` with its ``DATABASE`` pointing
    at ``database``, a new empty database."""
    for key, value in EXAMPLE_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.syspath_prepend(str(EXAMPLES / name))
    module = importlib.import_module(name)
    # Imported by the examples' own test suites too, in the same process:
    # make sure it is the example's file and not something else so named.
    assert Path(module.__file__).resolve() == EXAMPLES / name / f'{name}.py'
    monkeypatch.setattr(module, 'DATABASE', str(database))
    module.init_db()
    return module


@pytest.fixture
def serve(monkeypatch, tmp_path):
    """Serve an example on a free port of 127.0.0.1 with Werkzeug's
    threaded server, on a temporary database; return its base URL.
    The server is shut down after the test."""

    servers = []

    def serve(name):
        module = load_example(name, tmp_path / f'{name}.db', monkeypatch)
        # Port 0: the system picks a free port.
        server = make_server('127.0.0.1', 0, module.app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append((server, thread))
        return f'http://127.0.0.1:{server.server_port}'

    yield serve
    for server, thread in servers:
        server.shutdown()
        server.server_close()
        thread.join(WAIT)


@pytest.fixture
def browser(chromium, serve, request, tmp_path):
    """A function that serves the named example and returns a
    :class:`Browser` on it, with a fresh screenshot folder for the test."""
    artifacts = ARTIFACTS / request.node.name
    shutil.rmtree(artifacts, ignore_errors=True)
    artifacts.mkdir(parents=True)

    def open_example(name):
        return Browser(chromium, serve(name), artifacts)

    yield open_example
    # Chromedriver's log of every command and answer, to explain a failure.
    log = tmp_path / 'chromedriver.log'
    if log.exists():
        shutil.copy(log, artifacts / 'chromedriver.log')
