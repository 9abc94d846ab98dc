"""Flaskr (examples/flaskr) in headless Chromium, served by a real server."""
import pytest

# The login that tests/browser/conftest.py sets in the environment.
USERNAME = 'admin'
PASSWORD = 'a password for the tests'

pytestmark = pytest.mark.slow


def test_flaskr_login_post_html_entry_logout(browser):
    page = browser('flaskr')

    page.open('/')
    assert 'No entries here so far' in page.text('.entries')
    assert page.find_all('form.add-entry') == []
    page.screenshot('empty')

    page.click_link('log in')
    page.submit(username=USERNAME, password='wrong')
    assert 'Invalid username or password' in page.text('.error')
    page.screenshot('wrong-password')

    page.submit(username=USERNAME, password=PASSWORD)
    assert page.flashes() == ['You were logged in']
    page.screenshot('logged-in')

    page.submit('form.add-entry', title='Hello <world>',
                text='Some <strong>bold</strong> and <em>slanted</em> words')
    assert page.flashes() == ['New entry was successfully posted']
    # The title is shown as typed, its markup escaped...
    assert page.text('.entries h2') == 'Hello <world>'
    # ...while the text's HTML is rendered by the browser.
    assert page.text('.entries li strong') == 'bold'
    assert page.text('.entries li em') == 'slanted'
    page.screenshot('entry-posted')

    # Logging out is a form (a POST), shown as a link.
    page.submit('form.logout')
    assert page.flashes() == ['You were logged out']
    assert page.find_all('form.add-entry') == []
    assert page.text('.entries h2') == 'Hello <world>'
    page.screenshot('logged-out')


def test_flaskr_stylesheet_is_applied(browser):
    page = browser('flaskr')
    page.open('/')
    # style.css gives headings the colour #377BA8.
    color = page.find('h1').value_of_css_property('color')
    assert color == 'rgba(55, 123, 168, 1)'
    page.screenshot('styled')


def test_flaskr_unknown_page_is_styled_with_a_link_back(browser):
    page = browser('flaskr')
    page.open('/no/such/page')
    assert 'There is no page at /no/such/page' in page.text('.error')
    assert page.find('h1').value_of_css_property('color') == 'rgba(55, 123, 168, 1)'
    page.screenshot('not-found')
    page.click_link('Back to the entries')
    assert 'No entries here so far' in page.text('.entries')
