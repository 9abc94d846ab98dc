"""Flaskr: the tutorial's microblog. One user, configured from the
environment, can log in and post entries made of a plain-text title and an
HTML text; everyone sees the entries, newest first.

Run it from this folder with ``DEBUG=1 python flaskr.py`` on your own
machine. In production leave ``DEBUG`` unset and set ``SECRET_KEY`` (long
and random), ``FLASKR_USERNAME`` and ``FLASKR_PASSWORD`` instead. The
database is ``flaskr.db`` beside this file unless ``FLASKR_DATABASE``
names another path; it is created on the first start.
"""
# all the imports
import hmac
import os
import sqlite3
from contextlib import closing
from urllib.parse import urlsplit

from flask import Flask, request, session, g, redirect, url_for, \
    abort, render_template, flash
from werkzeug.security import check_password_hash, generate_password_hash

# configuration
DATABASE = os.environ.get(
    'FLASKR_DATABASE',
    os.path.join(os.path.dirname(os.path.abspath(__file__)), 'flaskr.db'))
DEBUG = os.environ.get('DEBUG', '').lower() in ('1', 'true', 'yes')
SECRET_KEY = os.environ.get('SECRET_KEY')
USERNAME = os.environ.get('FLASKR_USERNAME')
PASSWORD = os.environ.get('FLASKR_PASSWORD')

if DEBUG:
    # Development values, so that DEBUG=1 is all a first run needs. They
    # are public: never deploy with them.
    SECRET_KEY = SECRET_KEY or 'development key'
    USERNAME = USERNAME or 'admin'
    PASSWORD = PASSWORD or 'default'

missing = [name for name, value in [('SECRET_KEY', SECRET_KEY),
                                    ('FLASKR_USERNAME', USERNAME),
                                    ('FLASKR_PASSWORD', PASSWORD)]
           if not value]
if missing:
    raise SystemExit(
        'flaskr: set ' + ', '.join(missing) + ' in the environment'
        ' (SECRET_KEY long and random, for example the output of'
        ' python3 -c "import secrets; print(secrets.token_hex())"),'
        ' or DEBUG=1 for development values on your own machine.')

# Only a hash of the password is kept, so that nothing in the running
# application (a debugger, a crash report) shows the password itself.
PASSWORD_HASH = generate_password_hash(PASSWORD)
del PASSWORD

# create our little application :)
app = Flask(__name__)
app.secret_key = SECRET_KEY
app.debug = DEBUG
# An entry is a title and a text of HTML typed into a form: even a long
# article with all its markup stays far below a megabyte, and no form here
# uploads files. A larger body is refused with 413 before it is read,
# instead of being parsed into memory.
app.max_content_length = 1024 * 1024


def connect_db():
    """Open a connection to the configured database."""
    # DATABASE is looked up at call time, so that tests can point it
    # at a temporary file after importing this module.
    return sqlite3.connect(DATABASE)


def init_db():
    """Create the tables, dropping any that exist (their rows are lost)."""
    with closing(connect_db()) as db:
        with app.open_resource('schema.sql') as f:
            db.cursor().executescript(f.read())
            db.commit()


@app.before_request
def before_request():
    """Open a database connection for the request that starts."""
    g.db = connect_db()


@app.before_request
def refuse_cross_site_requests():
    """Refuse (403) a request that a page of another site made the
    browser send, unless its method is GET, HEAD or OPTIONS.

    Those three only read, and links from other sites must keep working.
    Every other method changes something, and a page elsewhere could send
    it with a visitor's browser: post a hidden form that logs them into
    an account of the attacker's (login CSRF), or acts in their name. The
    session cookie is SameSite=Lax, so such requests come without it, but
    a login form needs no cookie to work. Browsers say where a request
    comes from: ``Sec-Fetch-Site`` (every current browser) or at least
    ``Origin`` (older ones), and a page cannot forge either. Checking them
    needs no state and no token in every form. Clients that send neither
    (curl, scripts, the test client) are no browser that another site
    could drive, and pass.
    """
    if request.method in ('GET', 'HEAD', 'OPTIONS'):
        return
    site = request.headers.get('Sec-Fetch-Site')
    if site is not None:
        # "none": the user's own action, such as reloading a posted page.
        if site not in ('same-origin', 'none'):
            abort(403)
        return
    origin = request.headers.get('Origin')
    # Only the host (and port) is compared: behind a proxy that ends HTTPS
    # the application sees http:// while the browser says https://.
    if origin is not None and urlsplit(origin).netloc != request.host:
        abort(403)


@app.after_request
def after_request(response):
    """Close the request's database connection."""
    g.db.close()
    return response


@app.route('/')
def show_entries():
    """List every entry, newest first, with the form to add one."""
    cur = g.db.execute('select title, text from entries order by id desc')
    entries = [dict(title=row[0], text=row[1]) for row in cur.fetchall()]
    return render_template('show_entries.html', entries=entries)


@app.route('/add', methods=['POST'])
def add_entry():
    """Store a new entry posted by the logged-in user."""
    if not session.get('logged_in'):
        abort(401)
    g.db.execute('insert into entries (title, text) values (?, ?)',
                 [request.form['title'], request.form['text']])
    g.db.commit()
    flash('New entry was successfully posted')
    return redirect(url_for('show_entries'))


@app.route('/login', methods=['GET', 'POST'])
def login():
    """Show the login form, and log the user in when the posted
    credentials match the configured ones."""
    error = None
    if request.method == 'POST':
        # Both checks always run, and one message covers both failures,
        # so that neither the answer nor its timing tells which was wrong.
        name_ok = hmac.compare_digest(request.form['username'].encode(),
                                      USERNAME.encode())
        password_ok = check_password_hash(PASSWORD_HASH,
                                          request.form['password'])
        if name_ok and password_ok:
            session['logged_in'] = True
            flash('You were logged in')
            return redirect(url_for('show_entries'))
        error = 'Invalid username or password'
    return render_template('login.html', error=error)


@app.route('/logout', methods=['POST'])
def logout():
    """Forget that the user is logged in."""
    session.pop('logged_in', None)
    flash('You were logged out')
    return redirect(url_for('show_entries'))


@app.errorhandler(404)
def page_not_found(error):
    """A page in the site's style, with the way back to the entries."""
    return render_template('page_not_found.html'), 404


if __name__ == '__main__':
    # A fresh checkout has no database yet: create it rather than fail
    # on the first request with "no such table".
    if not os.path.exists(DATABASE):
        init_db()
        print(f'Created the database {DATABASE}')
    app.run(host=os.environ.get('HOST', '127.0.0.1'),
            port=int(os.environ.get('PORT', '5000')))
