"""The Testing chapter's unittest suite for flaskr.

Run it from this folder with ``python flaskr_tests.py``, or from the
repository root with ``pytest examples/flaskr``. Every test gets its own
temporary database, removed afterwards.
"""
import os
import tempfile
import unittest

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
        return self.app.get('/logout', follow_redirects=True)

    def add_entry(self, title, text):
        return self.app.post('/add', data=dict(
            title=title,
            text=text
        ), follow_redirects=True)

    def test_empty_db(self):
        rv = self.app.get('/')
        self.assertIn(b'No entries here so far', rv.data)

    def test_login_logout(self):
        rv = self.login(flaskr.USERNAME, flaskr.PASSWORD)
        self.assertIn(b'You were logged in', rv.data)
        rv = self.logout()
        self.assertIn(b'You were logged out', rv.data)

    def test_login_rejects_wrong_username(self):
        rv = self.login(flaskr.USERNAME + 'x', flaskr.PASSWORD)
        self.assertIn(b'Invalid username', rv.data)
        self.assertNotIn(b'You were logged in', rv.data)

    def test_login_rejects_wrong_password(self):
        rv = self.login(flaskr.USERNAME, flaskr.PASSWORD + 'x')
        self.assertIn(b'Invalid password', rv.data)
        self.assertNotIn(b'You were logged in', rv.data)

    def test_messages(self):
        # HTML is allowed in the text but escaped in the title.
        self.login(flaskr.USERNAME, flaskr.PASSWORD)
        rv = self.add_entry('<Hello>', '<strong>HTML</strong> allowed here')
        self.assertNotIn(b'No entries here so far', rv.data)
        self.assertIn(b'&lt;Hello&gt;', rv.data)
        self.assertIn(b'<strong>HTML</strong> allowed here', rv.data)
        self.assertIn(b'New entry was successfully posted', rv.data)

    def test_newest_entry_comes_first(self):
        self.login(flaskr.USERNAME, flaskr.PASSWORD)
        self.add_entry('first', 'one')
        rv = self.add_entry('second', 'two')
        self.assertLess(rv.data.index(b'second'), rv.data.index(b'first'))

    def test_add_entry_needs_login(self):
        rv = self.app.post('/add', data=dict(title='t', text='x'))
        self.assertEqual(rv.status_code, 401)
        self.assertIn(b'No entries here so far', self.app.get('/').data)

    def test_add_entry_refuses_get(self):
        self.login(flaskr.USERNAME, flaskr.PASSWORD)
        self.assertEqual(self.app.get('/add').status_code, 405)

    def test_add_entry_without_title_is_bad_request(self):
        self.login(flaskr.USERNAME, flaskr.PASSWORD)
        rv = self.app.post('/add', data=dict(text='no title'))
        self.assertEqual(rv.status_code, 400)

    def test_form_hidden_until_logged_in(self):
        self.assertNotIn(b'name=title', self.app.get('/').data)
        self.login(flaskr.USERNAME, flaskr.PASSWORD)
        self.assertIn(b'name=title', self.app.get('/').data)


if __name__ == '__main__':
    unittest.main()
