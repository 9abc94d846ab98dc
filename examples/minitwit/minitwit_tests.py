"""MiniTwit's test suite: registration, logging in and out, posting, and
the timelines before and after following someone.

Every test runs twice: on SQLite (``MiniTwitTestCase``) and on PostgreSQL
(``PostgreSQLTestCase``). The PostgreSQL tests start a throwaway server of
their own (``tests/pgserver.py`` of the repository) and are skipped, with
the reason, when PostgreSQL is not installed.

Run them from the repository root with
``.venv/bin/python -m pytest examples/minitwit``. Every test gets its own
empty database.
"""
import io
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from contextlib import closing, contextmanager
from functools import partial
from hashlib import md5, sha256
from pathlib import Path
from unittest import mock
from xml.etree import ElementTree

import pytest
from werkzeug.security import generate_password_hash

# minitwit refuses to start without a secret key (unless in debug mode).
os.environ.setdefault('SECRET_KEY', 'a secret key only for the tests')
import minitwit  # noqa: E402

# The throwaway PostgreSQL server is shared with the repository's other
# tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / 'tests'))
import pgserver  # noqa: E402


class MiniTwitTestCase(unittest.TestCase):
    """The tests, on a temporary SQLite file."""

    def setUp(self):
        """Point minitwit at a fresh, empty database and open a client."""
        self.db_fd, self.db_path = tempfile.mkstemp(suffix='.db')
        self.saved_database = minitwit.DATABASE
        minitwit.DATABASE = self.db_path
        minitwit.init_db()
        self.app = minitwit.app.test_client()
        self.use_fast_password_hashes()

    def tearDown(self):
        """Remove the temporary database and restore the configured path."""
        minitwit.DATABASE = self.saved_database
        os.close(self.db_fd)
        os.unlink(self.db_path)

    def break_database(self):
        """Make the database unreachable, as a server that went away."""
        minitwit.DATABASE = os.path.join(self.db_path, 'not', 'there.db')

    def repair_database(self):
        """Undo :meth:`break_database`."""
        minitwit.DATABASE = self.db_path

    # helpers

    def use_fast_password_hashes(self):
        """Hash passwords with a fast method during the test. The default
        is slow on purpose, against guessing, which makes every register
        and login of the tests take a good part of a second."""
        patcher = mock.patch.object(
            minitwit, 'generate_password_hash',
            partial(generate_password_hash, method='pbkdf2:sha256:1000'))
        patcher.start()
        self.addCleanup(patcher.stop)

    def sql(self, query, args=()):
        """Run one statement on the test's database, outside any request;
        return its rows (an empty list for statements without any)."""
        with closing(minitwit.connect_db()) as db:
            if minitwit.DATABASE_URL:
                query = query.replace('?', '%s')
            cursor = db.execute(query, args)
            rows = cursor.fetchall() if cursor.description else []
            db.commit()
            return rows

    def register(self, username, password, password2=None, email=None):
        """Post the registration form; by default the second password
        repeats the first and the email is made from the username."""
        if password2 is None:
            password2 = password
        if email is None:
            email = username + '@example.com'
        return self.app.post('/register', data={
            'username': username,
            'password': password,
            'password2': password2,
            'email': email,
        }, follow_redirects=True)

    def login(self, username, password):
        return self.app.post('/login', data={
            'username': username,
            'password': password,
        }, follow_redirects=True)

    def register_and_login(self, username, password):
        self.register(username, password)
        return self.login(username, password)

    def logout(self):
        return self.app.post('/logout', follow_redirects=True)

    def add_message(self, text):
        return self.app.post('/add_message', data={'text': text},
                             follow_redirects=True)

    def page(self, path):
        """The text of the page at ``path``, following redirects."""
        return self.app.get(path, follow_redirects=True).text

    def session_cookie(self):
        """The value of the session cookie the client holds now."""
        return self.app.get_cookie('session').value

    def page_with_cookie(self, cookie, path='/'):
        """The text of the page at ``path`` for another browser that sends
        ``cookie`` as its session cookie (a copy someone captured, say),
        following redirects."""
        browser = minitwit.app.test_client()
        browser.set_cookie('session', cookie)
        return browser.get(path, follow_redirects=True).text

    def assertPublicView(self, text):
        """The page is the public timeline, as a visitor who is not
        logged in sees it."""
        self.assertIn('<h2>Public timeline</h2>', text)
        self.assertNotIn('log out [', text)

    # registration

    def test_register(self):
        rv = self.register('user1', 'default')
        self.assertIn('You were successfully registered and can log in now',
                      rv.text)

    def test_register_stores_a_password_hash(self):
        self.register('user1', 'secret-word')
        [row] = self.sql('select pw_hash from users')
        self.assertNotIn('secret-word', row['pw_hash'])

    def test_register_rejects_a_taken_username(self):
        self.register('user1', 'default')
        rv = self.register('user1', 'other')
        self.assertIn('The username is already taken', rv.text)

    def test_register_rejects_a_taken_username_in_another_case(self):
        self.register('alice', 'default')
        rv = self.register('ALICE', 'other')
        self.assertIn('The username is already taken', rv.text)

    def test_simultaneous_registrations_of_one_name_give_an_error(self):
        # The second of two registrations at once passes the check for a
        # taken name before the first is stored; the database refuses it.
        self.register('alice', 'default')
        with mock.patch.object(minitwit, 'get_user_id', return_value=None):
            rv = self.register('Alice', 'other')
        self.assertEqual(rv.status_code, 200)
        self.assertIn('The username is already taken', rv.text)
        self.assertEqual(len(self.sql('select * from users')), 1)
        # The request's connection is still usable afterwards.
        self.assertIn('You were logged in',
                      self.login('alice', 'default').text)

    def test_register_requires_a_username(self):
        rv = self.register('', 'default', email='x@example.com')
        self.assertIn('You have to enter a username', rv.text)

    def test_register_rejects_a_username_that_is_no_url_part(self):
        rv = self.register('meh/meh', 'default', email='x@example.com')
        self.assertIn('You have to choose a username', rv.text)

    def test_register_rejects_the_name_of_a_page(self):
        rv = self.register('public', 'default')
        self.assertIn('You have to choose a username', rv.text)

    def test_register_rejects_the_names_of_pages_and_files(self):
        for name in ('login', 'Logout', 'REGISTER', 'add_message', 'static',
                     'favicon.ico', 'robots.txt'):
            with self.subTest(name=name):
                rv = self.register(name, 'default')
                self.assertIn('You have to choose a username', rv.text)

    def test_reserved_names_are_read_from_the_url_map(self):
        self.assertLessEqual(
            {'public', 'login', 'logout', 'register', 'add_message', 'static'},
            minitwit.reserved_usernames())

    def test_register_requires_a_password(self):
        rv = self.register('meh', '')
        self.assertIn('You have to enter a password', rv.text)

    def test_register_rejects_mismatched_passwords(self):
        rv = self.register('meh', 'x', 'y')
        self.assertIn('The two passwords do not match', rv.text)

    def test_register_requires_a_valid_email(self):
        rv = self.register('meh', 'foo', email='broken')
        self.assertIn('You have to enter a valid email address', rv.text)

    def test_register_with_a_missing_field_is_bad_request(self):
        rv = self.app.post('/register', data={'username': 'meh'})
        self.assertEqual(rv.status_code, 400)

    def test_register_keeps_the_form_filled_after_an_error(self):
        rv = self.register('meh', 'x', 'y', email='meh@example.com')
        self.assertIn('value="meh@example.com"', rv.text)

    # logging in and out

    def test_login(self):
        rv = self.register_and_login('user1', 'default')
        self.assertIn('You were logged in', rv.text)
        self.assertIn('log out [user1]', rv.text)

    def test_login_rejects_an_unknown_username(self):
        rv = self.login('user2', 'wrongpassword')
        self.assertIn('Invalid username or password', rv.text)

    def test_login_rejects_a_wrong_password(self):
        self.register('user1', 'default')
        rv = self.login('user1', 'wrongpassword')
        self.assertIn('Invalid username or password', rv.text)
        self.assertNotIn('You were logged in', rv.text)

    def test_login_of_unknown_user_checks_a_password_hash_too(self):
        # Same answer, same work: the time of the answer does not tell
        # whether the account exists.
        self.register('user1', 'default')
        answers = {}
        for username in ('user1', 'nobody'):
            with mock.patch.object(minitwit, 'check_password_hash',
                                   wraps=minitwit.check_password_hash) as check:
                answers[username] = self.login(username, 'wrongpassword').text
            self.assertEqual(check.call_count, 1, username)
        # The same page, but for the name typed, which the form keeps.
        self.assertEqual(answers['user1'],
                         answers['nobody'].replace('nobody', 'user1'))

    def test_login_ignores_the_case_of_the_username(self):
        self.register('Alice', 'default')
        rv = self.login('aLICE', 'default')
        self.assertIn('You were logged in', rv.text)
        self.assertIn('log out [Alice]', rv.text)

    def test_logout(self):
        self.register_and_login('user1', 'default')
        rv = self.logout()
        self.assertIn('You were logged out', rv.text)
        self.assertNotIn('log out [user1]', rv.text)

    def test_logout_is_a_form_in_the_navigation(self):
        rv = self.register_and_login('user1', 'default')
        self.assertIn('<form class=logout action="/logout" method=post>',
                      rv.text)

    def test_logout_by_get_is_refused(self):
        # A link or an image on another site cannot log anyone out.
        self.register_and_login('user1', 'default')
        rv = self.app.get('/logout')
        # /logout is then a user's page, and no user can take that name.
        self.assertEqual(rv.status_code, 404)
        self.assertIn('log out [user1]', self.page('/'))

    def test_get_of_a_form_address_has_a_page_of_its_own(self):
        self.register('foo', 'default')
        rv = self.app.get('/foo/follow')
        self.assertEqual(rv.status_code, 405)
        self.assertEqual(rv.headers['Allow'], 'POST')
        self.assertIn('<h1>MiniTwit</h1>', rv.text)

    # logging out ends the session everywhere

    def test_a_cookie_captured_before_logout_is_logged_out_after_it(self):
        self.register_and_login('user1', 'default')
        captured = self.session_cookie()
        self.logout()
        self.assertPublicView(self.page_with_cookie(captured))

    def test_a_cookie_of_another_browser_of_the_user_is_logged_out_too(self):
        self.register_and_login('user1', 'default')
        other_browser = minitwit.app.test_client()
        other_browser.post('/login', data={'username': 'user1',
                                           'password': 'default'})
        self.logout()
        self.assertPublicView(other_browser.get('/', follow_redirects=True).text)

    def test_logging_in_again_after_logout_works(self):
        self.register_and_login('user1', 'default')
        self.logout()
        self.login('user1', 'default')
        self.assertIn('log out [user1]', self.page('/'))

    def test_a_cookie_captured_before_logout_stays_out_after_a_new_login(self):
        self.register_and_login('user1', 'default')
        captured = self.session_cookie()
        self.logout()
        self.login('user1', 'default')
        self.assertPublicView(self.page_with_cookie(captured))

    def test_logout_leaves_the_sessions_of_other_users_alone(self):
        self.register('bob', 'default')
        bob = minitwit.app.test_client()
        bob.post('/login', data={'username': 'bob', 'password': 'default'})
        self.register_and_login('alice', 'default')
        self.logout()
        self.assertIn('log out [bob]', bob.get('/').text)

    def test_moving_the_stamp_in_the_database_ends_the_users_sessions(self):
        # What an administrator does to log someone out everywhere.
        self.register_and_login('user1', 'default')
        self.sql('update users set sessions_valid_since ='
                 ' sessions_valid_since + 1 where username = ?', ['user1'])
        self.assertPublicView(self.page('/'))

    def test_logout_moves_the_stamp_forward_even_within_one_second(self):
        # Two logouts in the same second, or on a server whose clock is
        # behind: minitwit's clock alone stands still (session cookies are
        # still signed with the real time).
        clock = mock.Mock()
        clock.time.return_value = 1_700_000_000
        self.register_and_login('user1', 'default')
        with mock.patch.object(minitwit, 'time', clock):
            self.logout()
            self.login('user1', 'default')
            captured = self.session_cookie()
            self.logout()
        self.assertPublicView(self.page_with_cookie(captured))

    # forms posted from other sites

    def test_cross_site_post_is_refused(self):
        self.register('victim', 'default')
        rv = self.app.post('/login', data={'username': 'victim',
                                           'password': 'default'},
                           headers={'Sec-Fetch-Site': 'cross-site'})
        self.assertEqual(rv.status_code, 403)
        self.assertIn('sent from another site', rv.text)
        self.assertNotIn('log out [victim]', self.page('/'))

    def test_post_from_another_origin_is_refused(self):
        # Older browsers send Origin but not Sec-Fetch-Site.
        self.register_and_login('foo', 'default')
        rv = self.app.post('/add_message', data={'text': 'forged'},
                           headers={'Origin': 'https://attacker.example'})
        self.assertEqual(rv.status_code, 403)
        self.assertNotIn('forged', self.page('/public'))

    def test_post_from_this_site_is_accepted(self):
        self.register_and_login('foo', 'default')
        rv = self.app.post('/add_message', data={'text': 'genuine'},
                           headers={'Sec-Fetch-Site': 'same-origin',
                                    'Origin': 'http://localhost'})
        self.assertEqual(rv.status_code, 302)
        self.assertIn('genuine', self.page('/public'))

    def test_post_with_this_origin_is_accepted(self):
        self.register_and_login('foo', 'default')
        rv = self.app.post('/add_message', data={'text': 'genuine'},
                           headers={'Origin': 'http://localhost'})
        self.assertEqual(rv.status_code, 302)

    def test_cross_site_put_delete_and_patch_are_refused(self):
        self.register_and_login('foo', 'default')
        for method in ('PUT', 'DELETE', 'PATCH'):
            with self.subTest(method=method):
                rv = self.app.open('/add_message', method=method,
                                   data={'text': 'forged'},
                                   headers={'Sec-Fetch-Site': 'cross-site'})
                self.assertEqual(rv.status_code, 403)

    def test_delete_from_another_origin_is_refused(self):
        rv = self.app.delete('/foo',
                             headers={'Origin': 'https://attacker.example'})
        self.assertEqual(rv.status_code, 403)

    def test_same_site_put_gets_the_method_not_allowed_page(self):
        rv = self.app.put('/add_message', data={'text': 'genuine'},
                          headers={'Sec-Fetch-Site': 'same-origin'})
        self.assertEqual(rv.status_code, 405)

    def test_same_site_delete_of_an_unknown_page_is_not_found(self):
        rv = self.app.delete('/nobody/nothing/here',
                             headers={'Sec-Fetch-Site': 'same-origin',
                                      'Origin': 'http://localhost'})
        self.assertEqual(rv.status_code, 404)

    def test_get_head_and_options_from_another_site_are_not_refused(self):
        # Links and images on other sites lead here with these methods.
        # OPTIONS gets what it gets from this site: 405, as no view of
        # minitwit answers it.
        for method, status in (('GET', 200), ('HEAD', 200), ('OPTIONS', 405)):
            with self.subTest(method=method):
                rv = self.app.open('/public', method=method,
                                   headers={'Sec-Fetch-Site': 'cross-site',
                                            'Origin': 'https://elsewhere.example'})
                self.assertEqual(rv.status_code, status)

    # posting

    def test_message_recording(self):
        self.register_and_login('foo', 'default')
        rv = self.add_message('test message 1')
        self.assertIn('Your message was recorded', rv.text)
        self.assertIn('test message 1', rv.text)

    def test_message_text_is_escaped(self):
        self.register_and_login('foo', 'default')
        rv = self.add_message('<test message 2>')
        self.assertIn('&lt;test message 2&gt;', rv.text)
        self.assertNotIn('<test message 2>', rv.text)

    def test_message_of_280_characters_is_recorded(self):
        self.register_and_login('foo', 'default')
        rv = self.add_message('x' * 280)
        self.assertIn('Your message was recorded', rv.text)
        self.assertIn('x' * 280, rv.text)

    def test_message_longer_than_280_characters_is_refused(self):
        self.register_and_login('foo', 'default')
        rv = self.add_message('x' * 281)
        self.assertIn('longer than 280 characters', rv.text)
        self.assertEqual(self.sql('select * from message'), [])

    def test_a_huge_request_body_is_refused_before_it_is_read(self):
        self.register_and_login('foo', 'default')
        rv = self.app.post('/add_message', data={'text': 'x' * 5_000_000})
        self.assertEqual(rv.status_code, 413)
        self.assertEqual(self.sql('select * from message'), [])

    def test_empty_message_is_not_recorded(self):
        self.register_and_login('foo', 'default')
        rv = self.add_message('   ')
        self.assertIn('Your message was empty', rv.text)
        self.assertIn('There are no messages here so far', rv.text)

    def test_add_message_needs_login(self):
        rv = self.app.post('/add_message', data={'text': 'anonymous'})
        self.assertEqual(rv.status_code, 401)
        self.assertNotIn('anonymous', self.page('/public'))

    # avatars

    def avatar_path(self, email):
        """The path of the avatar the timeline shows beside the messages
        of the user with ``email``."""
        self.register('foo', 'default', email=email)
        self.login('foo', 'default')
        page = self.add_message('hello')
        [path] = re.findall(r'<img src="([^"]*)"', page.text)
        self.logout()
        self.sql('delete from message')
        self.sql('delete from users')
        return path

    def avatar(self, email='foo@example.com'):
        """The response to the avatar of the user with ``email``."""
        return self.app.get(self.avatar_path(email))

    def test_message_shows_the_authors_avatar_served_by_minitwit(self):
        path = self.avatar_path('foo@example.com')
        self.assertRegex(path, r'\A/avatar/[0-9a-f]{32}\.svg\Z')
        self.assertEqual(self.app.get(path).status_code, 200)

    def test_timeline_loads_nothing_from_another_host(self):
        self.register_and_login('foo', 'default')
        page = self.add_message('hello').text
        self.assertIn('<img src="/avatar/', page)
        addresses = re.findall(r'(?:src|href)="([^"]*)"', page)
        self.assertTrue(addresses)
        self.assertEqual([a for a in addresses if not a.startswith('/')], [])

    def test_avatar_is_the_same_for_an_address_in_any_case(self):
        self.assertEqual(self.avatar_path('Foo@Example.COM'),
                         self.avatar_path('foo@example.com'))

    def test_avatars_of_different_addresses_differ(self):
        first, second = (self.avatar(email).data
                         for email in ('ann@example.com', 'bob@example.com'))
        self.assertNotEqual(first, second)

    def test_avatar_address_shows_no_plain_hash_of_the_email(self):
        # A plain hash of an address (Gravatar's MD5) tells whoever has a
        # list of addresses which one a user has; the avatar's name is a
        # hash keyed with the secret key.
        path = self.avatar_path('foo@example.com')
        for plain in (md5, sha256):
            self.assertNotIn(plain(b'foo@example.com').hexdigest()[:32], path)

    def test_avatar_is_an_svg_image(self):
        rv = self.avatar()
        self.assertEqual(rv.mimetype, 'image/svg+xml')
        root = ElementTree.fromstring(rv.data)
        self.assertEqual(root.tag, '{http://www.w3.org/2000/svg}svg')

    def test_avatar_is_kept_by_the_browser_for_a_year(self):
        rv = self.avatar()
        cache = rv.headers['Cache-Control']
        self.assertIn('max-age=31536000', cache)
        self.assertIn('immutable', cache)

    def test_avatar_draws_only_shapes(self):
        # No script, link, text or foreign content; nothing of the request
        # is in the drawing.
        elements = ElementTree.fromstring(self.avatar().data).iter()
        svg = '{http://www.w3.org/2000/svg}'
        self.assertEqual({element.tag for element in elements},
                         {svg + 'svg', svg + 'rect', svg + 'g'})

    def test_avatar_is_not_sniffed_or_allowed_to_load_anything(self):
        rv = self.avatar()
        self.assertEqual(rv.headers['X-Content-Type-Options'], 'nosniff')
        self.assertIn("default-src 'none'", rv.headers['Content-Security-Policy'])

    def test_avatar_of_a_name_that_is_no_digest_is_not_found(self):
        for name in ('<script>alert(1)<', 'ABCDEF', '0' * 31, '0' * 33):
            with self.subTest(name=name):
                rv = self.app.get(f'/avatar/{name}.svg')
                self.assertEqual(rv.status_code, 404)
                self.assertNotIn('<script>', rv.text)

    def test_message_shows_its_date(self):
        self.register_and_login('foo', 'default')
        # 2010-04-15 12:00 UTC, the month Flask 0.1 came out.
        self.sql('insert into message (author_id, text, pub_date)'
                 ' values (1, ?, ?)', ['dated', 1271332800])
        self.assertIn('2010-04-15 @ 12:00 UTC', self.page('/'))

    # timelines

    def test_anonymous_home_redirects_to_public_timeline(self):
        rv = self.app.get('/')
        self.assertEqual(rv.status_code, 302)
        self.assertTrue(rv.headers['Location'].endswith('/public'))

    def test_timelines(self):
        self.register_and_login('foo', 'default')
        self.add_message('the message by foo')
        self.logout()
        self.register_and_login('bar', 'default')
        self.add_message('the message by bar')
        rv = self.app.get('/public')
        self.assertIn('the message by foo', rv.text)
        self.assertIn('the message by bar', rv.text)

        # bar's timeline should just show bar's message
        rv = self.app.get('/')
        self.assertNotIn('the message by foo', rv.text)
        self.assertIn('the message by bar', rv.text)

        # now let's follow foo
        rv = self.app.post('/foo/follow', follow_redirects=True)
        self.assertIn('You are now following foo', rv.text)
        self.assertIn('You are following this user', rv.text)

        # we should now see foo's message
        rv = self.app.get('/')
        self.assertIn('the message by foo', rv.text)
        self.assertIn('the message by bar', rv.text)

        # but on the user's page we only want the user's message
        rv = self.app.get('/bar')
        self.assertNotIn('the message by foo', rv.text)
        self.assertIn('the message by bar', rv.text)
        rv = self.app.get('/foo')
        self.assertIn('the message by foo', rv.text)
        self.assertNotIn('the message by bar', rv.text)

        # now unfollow and check if that worked
        rv = self.app.post('/foo/unfollow', follow_redirects=True)
        self.assertIn('You are no longer following foo', rv.text)
        self.assertIn('You are not following this user yet', rv.text)
        rv = self.app.get('/')
        self.assertNotIn('the message by foo', rv.text)
        self.assertIn('the message by bar', rv.text)

    def test_timeline_shows_newest_first(self):
        self.register_and_login('foo', 'default')
        self.add_message('older one')
        text = self.add_message('newer one').text
        self.assertLess(text.index('newer one'), text.index('older one'))

    def test_following_twice_keeps_one_follow(self):
        self.register('foo', 'default')
        self.register_and_login('bar', 'default')
        self.app.post('/foo/follow')
        self.app.post('/foo/follow')
        self.app.post('/foo/unfollow')
        self.assertIn('You are not following this user yet',
                      self.page('/foo'))

    def test_cannot_follow_yourself(self):
        self.register_and_login('foo', 'default')
        rv = self.app.post('/foo/follow', follow_redirects=True)
        self.assertIn('You cannot follow yourself', rv.text)
        self.assertIn('This is you!', rv.text)

    def test_follow_needs_login(self):
        self.register('foo', 'default')
        self.assertEqual(self.app.post('/foo/follow').status_code, 401)

    def test_unfollow_needs_login(self):
        self.register('foo', 'default')
        self.assertEqual(self.app.post('/foo/unfollow').status_code, 401)

    def test_follow_unknown_user_is_not_found(self):
        self.register_and_login('foo', 'default')
        self.assertEqual(self.app.post('/nobody/follow').status_code, 404)

    def test_unfollow_unknown_user_is_not_found(self):
        self.register_and_login('foo', 'default')
        self.assertEqual(self.app.post('/nobody/unfollow').status_code, 404)

    def test_unknown_user_timeline_is_not_found(self):
        self.assertEqual(self.app.get('/nobody').status_code, 404)

    def test_not_found_page_looks_like_the_others(self):
        rv = self.app.get('/nobody/nothing/here')
        self.assertEqual(rv.status_code, 404)
        self.assertIn('Page not found', rv.text)
        self.assertIn('<h1>MiniTwit</h1>', rv.text)
        self.assertIn('href="/static/style.css"', rv.text)
        self.assertIn('<a href="/public">Back to the public timeline</a>',
                      rv.text)

    def test_timeline_is_paged_at_30(self):
        self.register_and_login('foo', 'default')
        for number in range(31):
            self.add_message(f'message number {number}.')
        first = self.page('/')
        self.assertEqual(first.count('message number'), 30)
        self.assertNotIn('message number 0.', first)
        self.assertIn('href="/?page=2"', first)
        second = self.page('/?page=2')
        self.assertEqual(second.count('message number'), 1)
        self.assertIn('message number 0.', second)
        self.assertNotIn('older messages', second)
        self.assertIn('href="/?page=1"', second)

    def test_user_timeline_page_links_keep_the_username(self):
        self.register_and_login('foo', 'default')
        for number in range(31):
            self.add_message(f'message number {number}.')
        self.assertIn('href="/foo?page=2"', self.page('/foo'))

    def test_bad_page_number_is_not_found(self):
        for page in ('0', '-1', 'two', '99999999999999999999999'):
            with self.subTest(page=page):
                rv = self.app.get('/public?page=' + page)
                self.assertEqual(rv.status_code, 404)

    # the database failing

    def test_unreachable_database_gives_an_error_page_then_recovers(self):
        self.register_and_login('foo', 'default')
        self.add_message('before the failure')
        saved_debug, minitwit.app.debug = minitwit.app.debug, False
        try:
            self.break_database()
            rv = self.app.get('/public')
        finally:
            minitwit.app.debug = saved_debug
            self.repair_database()
        self.assertEqual(rv.status_code, 503)
        self.assertIn('The database is not available right now', rv.text)
        self.assertIn('href="/public"', rv.text)
        self.assertNotIn('Traceback', rv.text)
        # The next request connects afresh, with the session still valid.
        rv = self.app.get('/')
        self.assertEqual(rv.status_code, 200)
        self.assertIn('before the failure', rv.text)

    # the health check

    def assertHealthAnswer(self, rv, status, body):
        """A health check's answer: the status and plain body, never
        cached, naming the release, and nothing of the session."""
        self.assertEqual(rv.status_code, status)
        self.assertEqual(rv.text, body)
        self.assertEqual(rv.mimetype, 'text/plain')
        self.assertEqual(rv.headers['Cache-Control'], 'no-store')
        self.assertEqual(rv.headers['X-Release'], minitwit.RELEASE)
        self.assertNotIn('Set-Cookie', rv.headers)
        self.assertNotIn('Vary', rv.headers)

    def test_health_check_answers_ok_with_a_working_database(self):
        self.assertHealthAnswer(self.app.get('/healthz'), 200, 'ok\n')

    def test_health_check_leaves_the_session_alone(self):
        self.register_and_login('user1', 'default')
        cookie = self.session_cookie()
        self.assertHealthAnswer(self.app.get('/healthz'), 200, 'ok\n')
        self.assertEqual(self.session_cookie(), cookie)
        # A cookie that is not ours is not even looked at.
        self.app.set_cookie('session', 'tampered')
        self.assertHealthAnswer(self.app.get('/healthz'), 200, 'ok\n')
        self.assertEqual(self.session_cookie(), 'tampered')

    def test_health_check_is_not_a_username(self):
        rv = self.register('healthz', 'default')
        self.assertIn('You have to choose a username', rv.text)

    def test_health_check_answers_503_at_once_when_the_database_is_down(self):
        self.break_database()
        try:
            started = time.monotonic()
            rv = self.app.get('/healthz', errors_stream=io.StringIO())
            seconds = time.monotonic() - started
        finally:
            self.repair_database()
        self.assertHealthAnswer(rv, 503, 'unavailable\n')
        # A refused connection or a missing file is known at once.
        self.assertLess(seconds, 1.5)
        self.assertHealthAnswer(self.app.get('/healthz'), 200, 'ok\n')

    def test_health_check_of_a_missing_database_creates_none(self):
        # In a folder that exists, where connecting would make an empty
        # file that the next requests then took for the database.
        missing = self.db_path + '-missing.db'
        with mock.patch.object(minitwit, 'DATABASE', missing):
            rv = self.app.get('/healthz', errors_stream=io.StringIO())
        self.assertHealthAnswer(rv, 503, 'unavailable\n')
        self.assertFalse(os.path.exists(missing))

    def test_health_check_gives_the_reason_to_the_log_only(self):
        self.break_database()
        errors = io.StringIO()
        try:
            rv = self.app.get('/healthz', errors_stream=errors)
        finally:
            self.repair_database()
        self.assertEqual(rv.text, 'unavailable\n')
        self.assertIn('health check failed', errors.getvalue())
        # The error itself: a missing SQLite file, a refused connection.
        self.assertRegex(errors.getvalue(),
                         r'FileNotFoundError|OperationalError')

    def test_health_check_of_a_stuck_database_ends_within_its_timeout(self):
        # Another connection holds a lock that the check's query waits
        # for: the check gives up after HEALTH_TIMEOUT, not the visitor's
        # patience, and says 503.
        with self.database_locked():
            started = time.monotonic()
            rv = self.app.get('/healthz', errors_stream=io.StringIO())
            seconds = time.monotonic() - started
        self.assertHealthAnswer(rv, 503, 'unavailable\n')
        self.assertGreaterEqual(seconds, minitwit.HEALTH_TIMEOUT * 0.9)
        self.assertLess(seconds, minitwit.HEALTH_TIMEOUT + 1.5)
        self.assertHealthAnswer(self.app.get('/healthz'), 200, 'ok\n')

    @contextmanager
    def database_locked(self):
        """Hold a lock that keeps every reader of the users table waiting
        (SQLite: an exclusive transaction on the file)."""
        db = sqlite3.connect(self.db_path)
        try:
            db.execute('begin exclusive')
            yield
        finally:
            db.rollback()
            db.close()

    def test_release_is_the_first_line_of_the_release_file(self):
        folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, folder)
        fake_module = os.path.join(folder, 'minitwit.py')
        release = Path(folder, 'RELEASE')
        with mock.patch.object(minitwit, '__file__', fake_module):
            self.assertEqual(minitwit.read_release(), 'development')
            for text, expected in [('2.4.1\n', '2.4.1'),
                                   ('  1f3e9ab  \nnotes\n', '1f3e9ab'),
                                   ('\n', 'development'),
                                   ('two words\n', 'development'),
                                   ('x\r\nSet-Cookie: a=b\n', 'x'),
                                   ('caf\u00e9\n', 'development'),
                                   ('a' * 65, 'development')]:
                with self.subTest(text=text):
                    release.write_text(text, encoding='utf-8')
                    self.assertEqual(minitwit.read_release(), expected)


class ConfigurationTestCase(unittest.TestCase):
    """SECRET_KEY and DEBUG come from the environment."""

    def import_minitwit(self, **environ):
        """Import minitwit in a new Python with only ``environ`` set (and
        PATH); return the finished process."""
        environ = dict(environ, PATH=os.environ.get('PATH', ''))
        return subprocess.run(
            [sys.executable, '-c',
             'import minitwit; print(minitwit.app.debug, minitwit.app.secret_key)'],
            cwd=os.path.dirname(os.path.abspath(minitwit.__file__)),
            env=environ, capture_output=True, text=True, timeout=60)

    @pytest.mark.slow  # a new Python each
    def test_missing_secret_key_refuses_to_start(self):
        result = self.import_minitwit()
        self.assertNotEqual(result.returncode, 0)
        self.assertIn('set the SECRET_KEY environment variable', result.stderr)

    @pytest.mark.slow  # a new Python each
    def test_debug_is_off_by_default(self):
        result = self.import_minitwit(SECRET_KEY='key')
        self.assertEqual(result.stdout, 'False key\n', result.stderr)

    @pytest.mark.slow  # a new Python each
    def test_debug_without_secret_key_uses_a_development_key(self):
        result = self.import_minitwit(DEBUG='1')
        self.assertTrue(result.stdout.startswith('True '), result.stderr)
        self.assertIn('SECRET_KEY is not set', result.stderr)

    def test_debug_flag_values(self):
        for value, expected in [('1', True), ('true', True), ('Yes', True),
                                ('0', False), ('false', False), ('', False),
                                ('on', False)]:
            with self.subTest(value=value):
                with mock.patch.dict(os.environ, {'DEBUG': value}):
                    self.assertIs(minitwit.env_flag('DEBUG'), expected)

    @pytest.mark.slow  # a new Python
    def test_secret_key_comes_from_the_environment(self):
        result = self.import_minitwit(SECRET_KEY='a key from the environment',
                                      DEBUG='1')
        self.assertEqual(result.stdout, 'True a key from the environment\n',
                         result.stderr)
        self.assertNotIn('SECRET_KEY is not set', result.stderr)


@pytest.mark.slow
class PostgreSQLTestCase(MiniTwitTestCase):
    """The same tests on a throwaway PostgreSQL server (``DATABASE_URL``),
    started once for the class."""

    @classmethod
    def setUpClass(cls):
        reason = pgserver.missing_reason()
        if minitwit.psycopg is None:
            reason = 'psycopg is not installed (pip install "psycopg[binary]")'
        if reason is not None:
            if os.environ.get('FLASK_TEST_REQUIRE_ALL') == '1':
                raise AssertionError(
                    f'required under FLASK_TEST_REQUIRE_ALL=1: {reason}')
            raise unittest.SkipTest(reason)
        cls.server = pgserver.PostgresServer('127.0.0.1').start()

    @classmethod
    def tearDownClass(cls):
        cls.server.close()

    def setUp(self):
        """Point minitwit at the server's database, emptied by init_db."""
        self.saved_url = minitwit.DATABASE_URL
        minitwit.DATABASE_URL = self.server.url
        minitwit.init_db()
        self.app = minitwit.app.test_client()
        self.use_fast_password_hashes()

    def tearDown(self):
        minitwit.DATABASE_URL = self.saved_url
        # Make sure no test leaves the server stopped for the next one.
        self.server.start()

    def break_database(self):
        """Stop the server, as a database restarting or gone."""
        self.server.stop()

    def repair_database(self):
        self.server.start()

    @contextmanager
    def database_locked(self):
        """Hold a lock that keeps every reader of the users table waiting
        (PostgreSQL: the table locked in another transaction)."""
        with closing(minitwit.psycopg.connect(self.server.url)) as db:
            db.execute('lock table users in access exclusive mode')
            try:
                yield
            finally:
                db.rollback()

    def test_health_check_of_a_missing_database_creates_none(self):
        missing = self.server.url.rsplit('/', 1)[0] + '/missing'
        with mock.patch.object(minitwit, 'DATABASE_URL', missing):
            rv = self.app.get('/healthz', errors_stream=io.StringIO())
        self.assertHealthAnswer(rv, 503, 'unavailable\n')
        with closing(minitwit.psycopg.connect(self.server.url)) as db:
            names = db.execute('select datname from pg_database').fetchall()
        self.assertNotIn(('missing',), names)

    def test_health_check_of_a_silent_server_ends_within_its_timeout(self):
        # A machine that accepts the connection and never answers (a
        # server stuck before it speaks): the connection's own timeout
        # ends the check.
        listener = socket.create_server(('127.0.0.1', 0))
        accepted = []
        stop = threading.Event()

        def accept_and_say_nothing():
            listener.settimeout(0.1)
            while not stop.is_set():
                try:
                    accepted.append(listener.accept()[0])
                except socket.timeout:
                    pass

        thread = threading.Thread(target=accept_and_say_nothing)
        thread.start()
        port = listener.getsockname()[1]
        try:
            with mock.patch.object(
                    minitwit, 'DATABASE_URL',
                    f'postgresql://nobody:x@127.0.0.1:{port}/nothing'):
                started = time.monotonic()
                rv = self.app.get('/healthz', errors_stream=io.StringIO())
                seconds = time.monotonic() - started
        finally:
            stop.set()
            thread.join()
            for connection in accepted:
                connection.close()
            listener.close()
        self.assertTrue(accepted, 'the check never connected')
        self.assertHealthAnswer(rv, 503, 'unavailable\n')
        self.assertLess(seconds, minitwit.HEALTH_TIMEOUT + 1.5)



if __name__ == '__main__':
    unittest.main()
