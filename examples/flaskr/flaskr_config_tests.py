"""Flaskr's settings come from the environment, and without the ones a
deployment needs it refuses to start. Each test imports flaskr in a fresh
Python process with only the environment it gives.

Run from the repository root with ``.venv/bin/python -m pytest
examples/flaskr``.
"""
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
PRODUCTION = {'SECRET_KEY': 'a long random key for these tests only',
              'FLASKR_USERNAME': 'editor', 'FLASKR_PASSWORD': 'secret words'}


def start(code, **env):
    """Import flaskr in a new process with only ``env`` set, run ``code``
    and return the finished process."""
    environ = {'PATH': os.environ.get('PATH', ''),
               'FLASKR_DATABASE': os.path.join(HERE, 'never-created.db')}
    environ.update(env)
    return subprocess.run([sys.executable, '-c', 'import flaskr\n' + code],
                          cwd=HERE, env=environ, capture_output=True,
                          text=True, timeout=60)


class FlaskrConfigTestCase(unittest.TestCase):

    def test_refuses_to_start_without_secret_key(self):
        env = dict(PRODUCTION)
        del env['SECRET_KEY']
        proc = start('', **env)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn('set SECRET_KEY in the environment', proc.stderr)
        self.assertNotIn('Traceback', proc.stderr)

    def test_refuses_to_start_without_the_login(self):
        proc = start('', SECRET_KEY=PRODUCTION['SECRET_KEY'])
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn('set FLASKR_USERNAME, FLASKR_PASSWORD', proc.stderr)

    def test_debug_is_off_unless_asked_for(self):
        proc = start('print(flaskr.app.debug)', **PRODUCTION)
        self.assertEqual(proc.stdout.strip(), 'False', proc.stderr)

    def test_debug_on_values(self):
        for value in ['1', 'true', 'yes', 'TRUE']:
            proc = start('print(flaskr.app.debug)', DEBUG=value, **PRODUCTION)
            self.assertEqual(proc.stdout.strip(), 'True', value)
        for value in ['0', 'false', 'no', '']:
            proc = start('print(flaskr.app.debug)', DEBUG=value, **PRODUCTION)
            self.assertEqual(proc.stdout.strip(), 'False', value)

    def test_debug_alone_gives_development_values(self):
        proc = start('print(flaskr.app.secret_key, flaskr.USERNAME)', DEBUG='1')
        self.assertEqual(proc.stdout.strip(), 'development key admin',
                         proc.stderr)

    def test_settings_come_from_the_environment(self):
        code = ('from werkzeug.security import check_password_hash\n'
                'print(flaskr.app.secret_key)\n'
                'print(flaskr.USERNAME)\n'
                'print(check_password_hash(flaskr.PASSWORD_HASH,'
                ' "secret words"))\n')
        proc = start(code, **PRODUCTION)
        self.assertEqual(proc.stdout.split('\n')[:3],
                         [PRODUCTION['SECRET_KEY'], 'editor', 'True'],
                         proc.stderr)


if __name__ == '__main__':
    unittest.main()
