"""Flaskr (examples/flaskr) in headless Chromium, served by a real server."""
import pytest

pytestmark = pytest.mark.slow


def test_flaskr_login_post_html_entry_logout(browser):
    page = browser('flaskr')

    page.open('/')
    assert 'No entries here so far' in page.text('.entries')
    assert page.find_all('form.add-entry') == []
    page.screenshot('empty')

    page.click_link('log in')
    page.submit(username='admin', password='wrong')
    assert 'Invalid password' in page.text('.error')
    page.screenshot('wrong-password')

    page.submit(username='admin', password='default')
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

    page.click_link('log out')
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
