"""MiniTwit (examples/minitwit) in headless Chromium, served by a real
server."""
import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def secret_key(monkeypatch):
    """minitwit refuses to start without SECRET_KEY (outside debug mode)."""
    monkeypatch.setenv('SECRET_KEY', 'a secret key only for the browser tests')


def register(page, username):
    """Register ``username`` through the form linked from the navigation."""
    page.click_link('register')
    page.submit(username=username, email=f'{username}@example.com',
                password=f'{username}-pw', password2=f'{username}-pw')
    assert page.flashes() == [
        'You were successfully registered and can log in now']


def log_in(page, username):
    """Log ``username`` in (registered by :func:`register`)."""
    page.click_link('log in')
    page.submit(username=username, password=f'{username}-pw')
    assert page.flashes() == ['You were logged in']


def messages(page):
    """The texts of the messages listed on the current page."""
    return [item.text for item in page.find_all('.messages li')]


def test_minitwit_register_post_follow_unfollow(browser):
    page = browser('minitwit')

    page.open('/')
    assert 'There are no messages here so far' in page.text('.messages')
    page.screenshot('public-timeline-empty')

    register(page, 'alice')
    page.screenshot('alice-registered')
    register(page, 'bob')

    log_in(page, 'alice')
    page.submit('form.twitbox', text='Hello from alice')
    assert page.flashes() == ['Your message was recorded']
    page.screenshot('alice-posted')
    page.submit('form.logout')
    assert page.flashes() == ['You were logged out']

    log_in(page, 'bob')
    page.submit('form.twitbox', text='Hello from bob')
    [only_bob] = messages(page)
    assert 'Hello from bob' in only_bob
    page.screenshot('bob-timeline-before-follow')

    # From the public timeline to alice's page, then follow her.
    page.click_link('public timeline')
    assert len(messages(page)) == 2
    page.click_link('alice')
    page.submit('.followstatus form')
    assert page.flashes() == ['You are now following alice']
    assert 'You are following this user' in page.text('.followstatus')
    page.screenshot('bob-follows-alice')

    page.click_link('my timeline')
    newest, oldest = messages(page)
    assert 'Hello from bob' in newest
    assert 'Hello from alice' in oldest
    page.screenshot('bob-timeline-after-follow')

    page.click_link('alice')
    page.submit('.followstatus form')
    assert page.flashes() == ['You are no longer following alice']
    page.screenshot('bob-unfollowed-alice')

    page.click_link('my timeline')
    [only_bob] = messages(page)
    assert 'Hello from bob' in only_bob
    page.screenshot('bob-timeline-after-unfollow')


def test_minitwit_registration_error_is_shown(browser):
    page = browser('minitwit')
    page.open('/register')
    page.submit(username='carol', email='carol@example.com',
                password='one', password2='two')
    assert 'The two passwords do not match' in page.text('.error')
    # The form keeps what was typed, except the passwords.
    assert page.find('#username').get_attribute('value') == 'carol'
    assert page.find('#password').get_attribute('value') == ''
    page.screenshot('passwords-mismatch')


def test_minitwit_not_found_page_links_back(browser):
    page = browser('minitwit')
    page.open('/nobody')
    assert page.text('h2') == 'Page not found'
    assert page.text('h1') == 'MiniTwit'
    page.screenshot('not-found')
    page.click_link('Back to the public timeline')
    assert page.text('h2') == 'Public timeline'


def visit_pages_with_a_message(page):
    """Register, post a message, and visit each kind of page that shows
    it; return the URLs of the pages visited."""
    page.open('/')
    register(page, 'alice')
    log_in(page, 'alice')
    page.submit('form.twitbox', text='Hello from alice')
    page.click_link('public timeline')
    page.click_link('alice')
    return [page.base_url + path for path in ('/', '/public', '/alice')]


def test_minitwit_pages_request_nothing_from_another_host(browser):
    page = browser('minitwit')
    page.requested_urls()  # forget what came before
    visit_pages_with_a_message(page)
    requested = page.requested_urls()
    # The check sees the avatars and the stylesheet, not only the pages.
    assert any('/avatar/' in url for url in requested)
    assert any(url.endswith('/static/style.css') for url in requested)
    elsewhere = [url for url in requested if not url.startswith(page.base_url + '/')]
    assert elsewhere == []


def test_minitwit_avatars_are_drawn(browser):
    page = browser('minitwit')
    visit_pages_with_a_message(page)
    page.screenshot('avatar-on-user-timeline')
    avatars = page.find_all('.messages img')
    assert avatars
    # An image that did not load has no natural size.
    sizes = [page.driver.execute_script(
        'return [arguments[0].complete, arguments[0].naturalWidth];', img)
        for img in avatars]
    assert sizes == [[True, 48]] * len(avatars)
