"""The Testing chapter's unittest suite for flaskr.

Run it from this folder, with the Python of the virtual environment
where flask.py is installed: ``python flaskr_tests.py`` (or ``python -m
pytest flaskr_tests.py``). Every test gets its own temporary database,
removed afterwards.
"""
import os
import tempfile
import unittest
from unittest import mock

# flaskr reads its settings from the environment when it is imported:
# the tests bring their own, with debug mode off as in production, and
# leave the environment as it was for whatever runs next.
USERNAME = 'admin'
PASSWORD = 'a password for the tests'
with mock.patch.dict(os.environ,
                     SECRET_KEY='flaskr tests: a key used nowhere else',
                     FLASKR_USERNAME=USERNAME, FLASKR_PASSWORD=PASSWORD,
                     DEBUG=''):
    import flaskr


class FlaskrTestCase(unittest.TestCase):

    def setUp(self):
        """Point flaskr at a fresh, empty database and open a test client."""
        self.db_fd, self.db_path = tempfile.mkstemp(suffix='.db')
        self.saved_database = flaskr.DATABASE
        flaskr.DATABASE = self.db_path
        flaskr.init_db()
        self.app = flaskr.app.test_client()

    def tearDown(self):
        """Remove the temporary database and restore the configured path."""
        flaskr.DATABASE = self.saved_database
        os.close(self.db_fd)
        os.unlink(self.db_path)

    def login(self, username, password):
        return self.app.post('/login', data=dict(
            username=username,
            password=password
        ), follow_redirects=True)

    def logout(self):
        return self.app.post('/logout', follow_redirects=True)

    def add_entry(self, title, text):
        return self.app.post('/add', data=dict(
            title=title,
            text=text
        ), follow_redirects=True)

    def test_empty_db(self):
        rv = self.app.get('/')
        self.assertIn(b'No entries here so far', rv.data)

    def test_login_logout(self):
        rv = self.login(USERNAME, PASSWORD)
        self.assertIn(b'You were logged in', rv.data)
        rv = self.logout()
        self.assertIn(b'You were logged out', rv.data)

    def test_login_rejects_wrong_username(self):
        rv = self.login(USERNAME + 'x', PASSWORD)
        self.assertIn(b'Invalid username or password', rv.data)
        self.assertNotIn(b'You were logged in', rv.data)

    def test_login_rejects_wrong_password(self):
        # The same message as for a wrong name: it does not tell which
        # of the two was right.
        rv = self.login(USERNAME, PASSWORD + 'x')
        self.assertIn(b'Invalid username or password', rv.data)
        self.assertNotIn(b'You were logged in', rv.data)

    def test_messages(self):
        # HTML is allowed in the text but escaped in the title.
        self.login(USERNAME, PASSWORD)
        rv = self.add_entry('<Hello>', '<strong>HTML</strong> allowed here')
        self.assertNotIn(b'No entries here so far', rv.data)
        self.assertIn(b'&lt;Hello&gt;', rv.data)
        self.assertIn(b'<strong>HTML</strong> allowed here', rv.data)
        self.assertIn(b'New entry was successfully posted', rv.data)

    def test_newest_entry_comes_first(self):
        self.login(USERNAME, PASSWORD)
        self.add_entry('first', 'one')
        rv = self.add_entry('second', 'two')
        self.assertLess(rv.data.index(b'second'), rv.data.index(b'first'))

    def test_add_entry_needs_login(self):
        rv = self.app.post('/add', data=dict(title='t', text='x'))
        self.assertEqual(rv.status_code, 401)
        self.assertIn(b'No entries here so far', self.app.get('/').data)

    def test_add_entry_refuses_get(self):
        self.login(USERNAME, PASSWORD)
        self.assertEqual(self.app.get('/add').status_code, 405)

    def test_add_entry_without_title_is_bad_request(self):
        self.login(USERNAME, PASSWORD)
        rv = self.app.post('/add', data=dict(text='no title'))
        self.assertEqual(rv.status_code, 400)

    def test_form_hidden_until_logged_in(self):
        self.assertNotIn(b'name=title', self.app.get('/').data)
        self.login(USERNAME, PASSWORD)
        self.assertIn(b'name=title', self.app.get('/').data)


    def test_logout_is_a_post(self):
        # A GET could be sent by a link or an image on any site.
        self.login(USERNAME, PASSWORD)
        self.assertEqual(self.app.get('/logout').status_code, 405)
        self.assertIn(b'name=title', self.app.get('/').data)

    def test_cross_site_login_is_refused(self):
        rv = self.app.post('/login', data=dict(
            username=USERNAME, password=PASSWORD),
            headers={'Sec-Fetch-Site': 'cross-site'})
        self.assertEqual(rv.status_code, 403)
        self.assertNotIn(b'name=title', self.app.get('/').data)

    def test_post_from_another_origin_is_refused(self):
        self.login(USERNAME, PASSWORD)
        rv = self.app.post('/add', data=dict(title='t', text='x'),
                           headers={'Origin': 'http://evil.example'})
        self.assertEqual(rv.status_code, 403)
        self.assertIn(b'No entries here so far', self.app.get('/').data)

    def test_post_from_the_same_site_is_accepted(self):
        self.login(USERNAME, PASSWORD)
        rv = self.app.post('/add', data=dict(title='mine', text='x'),
                           headers={'Origin': 'http://localhost',
                                    'Sec-Fetch-Site': 'same-origin'},
                           follow_redirects=True)
        self.assertIn(b'mine', rv.data)

    def test_cross_site_put_delete_and_patch_are_refused(self):
        self.login(USERNAME, PASSWORD)
        for method in ('PUT', 'DELETE', 'PATCH'):
            with self.subTest(method=method):
                rv = self.app.open('/add', method=method,
                                   data=dict(title='t', text='x'),
                                   headers={'Sec-Fetch-Site': 'cross-site'})
                self.assertEqual(rv.status_code, 403)

    def test_delete_from_another_origin_is_refused(self):
        rv = self.app.delete('/', headers={'Origin': 'http://evil.example'})
        self.assertEqual(rv.status_code, 403)

    def test_same_site_put_gets_method_not_allowed(self):
        rv = self.app.put('/add', data=dict(title='t', text='x'),
                          headers={'Sec-Fetch-Site': 'same-origin'})
        self.assertEqual(rv.status_code, 405)

    def test_same_site_delete_of_an_unknown_page_is_not_found(self):
        rv = self.app.delete('/no/such/page',
                             headers={'Sec-Fetch-Site': 'same-origin',
                                      'Origin': 'http://localhost'})
        self.assertEqual(rv.status_code, 404)

    def test_get_head_and_options_from_another_site_are_not_refused(self):
        # Links and images on other sites lead here with these methods.
        # OPTIONS gets what it gets from this site: 405, as no view of
        # flaskr answers it.
        for method, status in (('GET', 200), ('HEAD', 200), ('OPTIONS', 405)):
            with self.subTest(method=method):
                rv = self.app.open('/', method=method,
                                   headers={'Sec-Fetch-Site': 'cross-site',
                                            'Origin': 'http://evil.example'})
                self.assertEqual(rv.status_code, status)

    def test_a_body_over_a_megabyte_is_refused_with_413(self):
        self.login(USERNAME, PASSWORD)
        rv = self.add_entry('huge', 'x' * (1024 * 1024))
        self.assertEqual(rv.status_code, 413)

    def test_a_long_entry_is_accepted(self):
        # A long article with its markup stays well within the limit.
        self.login(USERNAME, PASSWORD)
        article = '<p>' + 'Many words of a long article. ' * 10000 + '</p>'
        rv = self.add_entry('long', article)
        self.assertIn(b'New entry was successfully posted', rv.data)

    def test_password_is_kept_only_hashed(self):
        self.assertFalse(hasattr(flaskr, 'PASSWORD'))
        self.assertNotIn(PASSWORD, flaskr.PASSWORD_HASH)
        self.assertNotIn(PASSWORD, repr(vars(flaskr)))

    def test_unknown_page_is_styled_with_a_link_back(self):
        rv = self.app.get('/no/such/page')
        self.assertEqual(rv.status_code, 404)
        self.assertIn(b'/static/style.css', rv.data)
        self.assertIn(b'<a href="/">Back to the entries</a>', rv.data)


if __name__ == '__main__':
    unittest.main()
