"""MiniTwit: a small Twitter clone on Flask and SQLite or PostgreSQL.

People register, log in, post short messages and follow each other. The
home page shows your own messages and those of the people you follow; the
public timeline shows everyone's.

Run it from this folder with ``python minitwit.py``. The database is
``minitwit.db`` beside this file unless ``MINITWIT_DATABASE`` names another
path; it is created on the first start. With ``DATABASE_URL`` set to a
``postgresql://`` URL, MiniTwit uses that PostgreSQL database instead
(``pip install "psycopg[binary]"``; create the tables once with
``python -c "import minitwit; minitwit.init_db()"``).
"""
import hmac
import os
import re
import sqlite3
import sys
import time
from contextlib import closing
from datetime import datetime, timezone
from hashlib import sha256
from urllib.parse import urlsplit

from werkzeug.security import check_password_hash, generate_password_hash

from flask import Flask, request, session, g, redirect, url_for, \
    abort, render_template, flash

try:
    import psycopg  # needed only for PostgreSQL
    from psycopg.rows import dict_row
except ImportError:
    psycopg = None


def env_flag(name):
    """Whether the environment variable ``name`` is switched on: "1",
    "true" or "yes" (in any case). Unset or anything else is off."""
    return os.environ.get(name, '').strip().lower() in ('1', 'true', 'yes')


# configuration, from the environment so that nothing secret is in the code
DEBUG = env_flag('DEBUG')
SECRET_KEY = os.environ.get('SECRET_KEY')
if not SECRET_KEY:
    # Anyone who knows the key can sign a session cookie saying they are
    # any user, so a real deployment must never run on a key from here.
    if not DEBUG:
        raise RuntimeError(
            'MiniTwit needs a secret key to sign its session cookies: set'
            ' the SECRET_KEY environment variable to a long random string,'
            ' such as the output of'
            ' python -c "import secrets; print(secrets.token_hex(32))"'
            ' (or set DEBUG=1 to develop with a throwaway key).')
    SECRET_KEY = 'minitwit development key, not for production'
    print('MiniTwit: SECRET_KEY is not set; debug mode signs sessions with'
          ' a development key.', file=sys.stderr)
DATABASE = os.environ.get(
    'MINITWIT_DATABASE',
    os.path.join(os.path.dirname(os.path.abspath(__file__)), 'minitwit.db'))
# postgresql://user:password@host:port/dbname to use PostgreSQL; unset (or
# empty) for the SQLite file DATABASE.
DATABASE_URL = os.environ.get('DATABASE_URL') or None
if DATABASE_URL and not DATABASE_URL.startswith(('postgresql://',
                                                 'postgres://')):
    raise RuntimeError(f'DATABASE_URL must be a postgresql:// URL (or unset'
                       f' for SQLite), not {DATABASE_URL.split(":")[0]}:...')
PER_PAGE = 30
MAX_MESSAGE_LENGTH = 280

# A username becomes a URL (/<username>), so it is limited to characters
# that need no quoting, and may not be the name of another page (see
# reserved_usernames). No dots: a name can never be a file that browsers
# and robots ask for, such as favicon.ico or robots.txt.
USERNAME_RE = re.compile(r'[A-Za-z0-9][A-Za-z0-9_-]{0,29}\Z')
# Deliberately loose: something, an @, something, no spaces.
EMAIL_RE = re.compile(r'[^@\s]+@[^@\s]+\Z')
# Far beyond any real timeline, and small enough for SQLite's integers.
MAX_PAGE = 1000000


def read_release():
    """The name of the code's release: the first line of the file
    ``RELEASE`` beside this module, which a deployment writes with the
    code (a version or a commit id), or ``development`` without one.
    Read once, at import, so that every server process reports the code
    it runs, not a file that changed under it."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        'RELEASE')
    try:
        with open(path, encoding='utf-8') as f:
            name = f.readline().strip()
    except FileNotFoundError:
        name = ''
    # Only what may go into a header: letters, digits and . _ + -.
    return name if re.fullmatch(r'[\w.+-]{1,64}', name, re.ASCII) \
        else 'development'


RELEASE = read_release()
# How long the health check waits for the database, in seconds. libpq
# counts whole seconds and treats anything below 2 as 2.
HEALTH_TIMEOUT = 2

# create the application
app = Flask(__name__)
app.secret_key = SECRET_KEY
app.debug = DEBUG
# No form here needs more than a few kilobytes: a larger body is refused
# with 413 before it is read, instead of being parsed into memory.
app.max_content_length = 64 * 1024


# This is the one place where SQLite and PostgreSQL differ: how to
# connect, the placeholder of query parameters and the schema's automatic
# ids. Everything else is the same SQL on both.

def connect_db(timeout=5):
    """Open a new connection to the configured database: PostgreSQL when
    ``DATABASE_URL`` is set, the SQLite file ``DATABASE`` otherwise. Rows
    come back readable by column name on both. ``timeout`` bounds, in
    seconds, how long connecting (PostgreSQL) or waiting for a locked
    file (SQLite) may take."""
    # Both settings are looked up at call time, so that tests can point
    # them at a temporary database after importing this module.
    if DATABASE_URL:
        if psycopg is None:
            raise RuntimeError('DATABASE_URL names a PostgreSQL database:'
                               ' pip install "psycopg[binary]"')
        # A short timeout: a database that does not answer should give
        # the visitor an error page, not hold a server worker for minutes.
        return psycopg.connect(DATABASE_URL, row_factory=dict_row,
                               connect_timeout=timeout)
    db = sqlite3.connect(DATABASE, timeout=timeout)
    db.row_factory = sqlite3.Row
    return db


def init_db():
    """Create the tables, dropping any that exist (their rows are lost).
    Call it once, by hand, before the first start: never at import, where
    several server processes would race to empty the database."""
    with closing(connect_db()) as db:
        if DATABASE_URL:
            with app.open_resource('schema_postgresql.sql') as f:
                db.execute(f.read())
        else:
            with app.open_resource('schema.sql') as f:
                db.executescript(f.read())
        db.commit()


def execute_db(query, args=()):
    """Run one SQL statement with bound parameters on the request's
    connection and return its cursor. Statements are written with SQLite's
    ``?`` placeholders; PostgreSQL's driver wants ``%s``."""
    if DATABASE_URL:
        query = query.replace('?', '%s')
    return g.db.execute(query, args)


def query_db(query, args=(), one=False):
    """Run a query with bound parameters and return the rows (or only the
    first one, or None, when ``one``)."""
    rows = execute_db(query, args).fetchall()
    if one:
        return rows[0] if rows else None
    return rows


# The database cannot be reached or used right now: a server restarting or
# gone, a connection cut, a file that cannot be opened or stays locked.
DATABASE_UNAVAILABLE = (sqlite3.OperationalError,) + (
    (psycopg.OperationalError,) if psycopg else ())


def get_user_id(username):
    """Return the id of the user called ``username`` (in any case), or
    None."""
    row = query_db('select user_id from users where lower(username) = lower(?)',
                   [username], one=True)
    return row['user_id'] if row else None


def format_datetime(timestamp):
    """Template filter: a message's time (seconds since the epoch) as a
    readable UTC date."""
    moment = datetime.fromtimestamp(timestamp, timezone.utc)
    return moment.strftime('%Y-%m-%d @ %H:%M UTC')


# Avatars are drawn by MiniTwit itself (see the avatar view), so that a
# page loads nothing from another site: a third-party image service would
# learn which pages each visitor reads.

def avatar_digest(email):
    """The name of the avatar of an email address: 32 hexadecimal digits of
    an HMAC-SHA256, keyed with the secret key, of its trimmed, lower-case
    form. A plain hash would let anyone with a list of addresses find out
    which one a user has by hashing each; without the key nobody can."""
    address = email.strip().lower().encode('utf-8')
    key = app.secret_key.encode('utf-8')
    return hmac.new(key, b'minitwit avatar\0' + address, sha256).hexdigest()[:32]


def avatar_url(email):
    """Template filter: the URL of the avatar of an email address."""
    return url_for('avatar', digest=avatar_digest(email))


app.jinja_env.filters['datetimeformat'] = format_datetime
app.jinja_env.filters['avatar_url'] = avatar_url


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


@app.before_request
def before_request():
    """Open the request's database connection and load the logged-in user
    into ``g.user`` (None when nobody is logged in)."""
    # The health check opens a connection of its own, with a shorter
    # timeout, and never reads the session: its answer must not depend on
    # a cookie, or vary with it (see healthz).
    if request.endpoint == 'healthz':
        return
    # A new connection for every request: a database that restarted is
    # simply reconnected to by the next request, and several server
    # processes on several machines can share one PostgreSQL.
    g.user = None
    g.db = connect_db()
    if 'user_id' in session:
        user = query_db('select * from users where user_id = ?',
                        [session['user_id']], one=True)
        # Logging out deletes the cookie of one browser only: the user's
        # cookies in other browsers, and any copy that someone captured,
        # stay validly signed. So a cookie logs the user in only while it
        # carries their current "sessions valid since" stamp, copied into
        # it at login; logging out moves the stamp forward (see logout).
        # The cookie of a user who no longer exists logs nobody in either.
        if (user is not None and session.get('sessions_valid_since')
                == user['sessions_valid_since']):
            g.user = user
        else:
            # Drop the ended login, so that the browser's cookie loses it.
            session.pop('user_id', None)
            session.pop('sessions_valid_since', None)


@app.after_request
def after_request(response):
    """Close the request's database connection (there is none when
    connecting failed)."""
    db = getattr(g, 'db', None)
    if db is not None:
        db.close()
    return response


def error_page(status, title, message, headers=None):
    """A response with the error page, styled like every other page."""
    return (render_template('error.html', title=title, message=message),
            status, headers or {})


@app.errorhandler(500)
def internal_error(error):
    """Any failure gives a page of ours without detail; the traceback goes
    to the server's error log. When the database is unreachable (a server
    restarting), say so with 503 so that the visitor tries again."""
    if isinstance(error, DATABASE_UNAVAILABLE):
        return error_page(503, 'Service unavailable',
                          'The database is not available right now.'
                          ' Please try again in a moment.',
                          {'Retry-After': '5'})
    return error_page(500, 'Internal server error',
                      'Something went wrong on our side. Please try again.')


@app.errorhandler(401)
def unauthorized(error):
    """A page of ours for actions that need a logged-in user."""
    return error_page(401, 'Please log in',
                      'You need to log in to do that.')


@app.errorhandler(403)
def forbidden(error):
    """A page of ours for refused requests (forms from other sites)."""
    return error_page(403, 'Forbidden',
                      'This request was sent from another site and was'
                      ' refused. Please use the forms on this site.')


@app.errorhandler(404)
def not_found(error):
    """A page of ours for unknown pages and users."""
    return error_page(404, 'Page not found',
                      'There is no such page or user here.')


@app.errorhandler(405)
def method_not_allowed(error):
    """A page of ours for a GET of a form's address and the like."""
    allowed = getattr(error, 'valid_methods', None)
    return error_page(405, 'Method not allowed',
                      'This page cannot be used that way.',
                      {'Allow': ', '.join(allowed)} if allowed else None)


def requested_page():
    """The page number of the query string (``?page=2``), 1 when absent.
    Anything that is not a page number is a 404."""
    try:
        page = int(request.args.get('page', '1'))
    except ValueError:
        abort(404)
    if not 1 <= page <= MAX_PAGE:
        abort(404)
    return page


def render_timeline(query, args, **context):
    """Render ``timeline.html`` with one page of the messages ``query``
    selects, newest first, and links to the neighbouring pages.

    ``query`` selects messages joined with their authors and must leave
    the ``order by`` and ``limit`` to this function.
    """
    page = requested_page()
    # One row more than a page tells whether older messages exist.
    rows = query_db(
        query + ' order by message.pub_date desc, message.message_id desc'
                ' limit ? offset ?',
        list(args) + [PER_PAGE + 1, (page - 1) * PER_PAGE])
    link_values = dict(request.view_args or {})
    older_url = newer_url = None
    if len(rows) > PER_PAGE:
        older_url = url_for(request.endpoint, page=page + 1, **link_values)
    if page > 1:
        newer_url = url_for(request.endpoint, page=page - 1, **link_values)
    return render_template('timeline.html', messages=rows[:PER_PAGE],
                           older_url=older_url, newer_url=newer_url,
                           **context)


@app.route('/')
def timeline():
    """The logged-in user's timeline: their own messages and those of the
    users they follow. Anonymous visitors see the public timeline."""
    if g.user is None:
        return redirect(url_for('public_timeline'))
    return render_timeline(
        '''select message.*, users.* from message
           join users on users.user_id = message.author_id
           where users.user_id = ?
              or users.user_id in (select whom_id from follower
                                  where who_id = ?)''',
        [g.user['user_id'], g.user['user_id']],
        kind='home')


@app.route('/public')
def public_timeline():
    """Everyone's messages."""
    return render_timeline(
        '''select message.*, users.* from message
           join users on users.user_id = message.author_id''',
        [], kind='public')


@app.route('/<username>')
def user_timeline(username):
    """One user's messages, with a button to follow or unfollow them."""
    profile_user = query_db(
        'select * from users where lower(username) = lower(?)',
        [username], one=True)
    if profile_user is None:
        abort(404)
    followed = False
    if g.user is not None:
        followed = query_db(
            'select 1 from follower where who_id = ? and whom_id = ?',
            [g.user['user_id'], profile_user['user_id']],
            one=True) is not None
    return render_timeline(
        '''select message.*, users.* from message
           join users on users.user_id = message.author_id
           where users.user_id = ?''',
        [profile_user['user_id']],
        kind='user', profile_user=profile_user, followed=followed)


@app.route('/<username>/follow', methods=['POST'])
def follow_user(username):
    """Make the logged-in user follow ``username``."""
    if g.user is None:
        abort(401)
    whom_id = get_user_id(username)
    if whom_id is None:
        abort(404)
    if whom_id == g.user['user_id']:
        flash('You cannot follow yourself')
    else:
        # Following twice keeps a single row.
        execute_db('insert into follower (who_id, whom_id) values (?, ?)'
                   ' on conflict do nothing', [g.user['user_id'], whom_id])
        g.db.commit()
        flash(f'You are now following {username}')
    return redirect(url_for('user_timeline', username=username))


@app.route('/<username>/unfollow', methods=['POST'])
def unfollow_user(username):
    """Make the logged-in user stop following ``username``."""
    if g.user is None:
        abort(401)
    whom_id = get_user_id(username)
    if whom_id is None:
        abort(404)
    execute_db('delete from follower where who_id = ? and whom_id = ?',
               [g.user['user_id'], whom_id])
    g.db.commit()
    flash(f'You are no longer following {username}')
    return redirect(url_for('user_timeline', username=username))


@app.route('/add_message', methods=['POST'])
def add_message():
    """Post a message as the logged-in user."""
    if g.user is None:
        abort(401)
    text = request.form['text'].strip()
    if not text:
        flash('Your message was empty')
    elif len(text) > MAX_MESSAGE_LENGTH:
        # The form's maxlength is only a hint: anyone can post more.
        flash(f'Your message is longer than {MAX_MESSAGE_LENGTH} characters'
              ' and was not recorded')
    else:
        execute_db('insert into message (author_id, text, pub_date)'
                   ' values (?, ?, ?)',
                   [g.user['user_id'], text, int(time.time())])
        g.db.commit()
        flash('Your message was recorded')
    return redirect(url_for('timeline'))


# What a health check answers, whatever the database said: the reason
# goes to the server's error log, never to whoever asked. no-store, so
# that no cache in between answers for the application.
HEALTH_HEADERS = {
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
}


@app.route('/healthz')
def healthz():
    """Whether this server can serve pages: 200 with ``ok`` when the
    database answers a query on the users table within HEALTH_TIMEOUT
    seconds, 503 with ``unavailable`` when it does not.

    Load balancers, monitoring and deployment scripts ask it every few
    seconds, so it is cheap (one connection, one indexed query), bounded
    in time (a database that does not answer gives 503, not a request
    that hangs), and touches no session: no cookie is read or set, and
    the answer does not vary with one. The ``X-Release`` header names the
    code this process runs (see read_release), so that a deployment can
    tell when the new code serves.
    """
    try:
        if not DATABASE_URL and not os.path.exists(DATABASE):
            # sqlite3 would create an empty file in its place, which the
            # next requests would then take for the database.
            raise FileNotFoundError(DATABASE)
        with closing(connect_db(timeout=HEALTH_TIMEOUT)) as db:
            if DATABASE_URL:
                # Milliseconds: a server that accepts the connection but
                # is stuck cannot hold the check either.
                db.execute('set statement_timeout = %d'
                           % (HEALTH_TIMEOUT * 1000))
            db.execute('select 1 from users limit 1').fetchall()
    except Exception as error:
        print(f'MiniTwit: health check failed: {error!r}',
              file=request.environ['wsgi.errors'])
        status, body = 503, 'unavailable\n'
    else:
        status, body = 200, 'ok\n'
    headers = dict(HEALTH_HEADERS, **{'X-Release': RELEASE})
    return app.response_class(body, status=status, headers=headers,
                              mimetype='text/plain')


AVATAR_DIGEST_RE = re.compile(r'[0-9a-f]{32}\Z')
# An avatar is a function of its URL alone: a browser may keep it for a
# year without asking again. It is an image of ours and nothing more:
# nosniff, and a policy that lets it load and run nothing (its colours are
# attributes, not styles).
AVATAR_HEADERS = {
    'Cache-Control': 'public, max-age=31536000, immutable',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'",
}


def identicon_svg(digest):
    """An identicon of a digest (hexadecimal digits) as an SVG image: a
    5 by 5 grid of squares, mirrored left to right, in one colour on a
    light background. The digest's lowest bits pick the colour's hue,
    the next 15 which squares of the left three columns are filled. Only
    numbers computed here go into the drawing."""
    value = int(digest, 16)
    hue = value % 360
    bits = value >> 9
    squares = []
    for row in range(5):
        for column in range(3):
            if bits & 1:
                for x in sorted({column, 4 - column}):
                    squares.append(
                        f'<rect x="{x}" y="{row}" width="1" height="1"/>')
            bits >>= 1
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="-1 -1 7 7"'
        ' width="48" height="48" shape-rendering="crispEdges">'
        '<rect x="-1" y="-1" width="7" height="7" fill="#f4f4f4"/>'
        f'<g fill="hsl({hue}, 55%, 45%)">{"".join(squares)}</g></svg>')


@app.route('/avatar/<digest>.svg')
def avatar(digest):
    """The avatar named by ``digest`` (see avatar_digest). Any 32
    hexadecimal digits give an image, so the answer tells nothing about
    which addresses have an account; anything else is a 404."""
    if not AVATAR_DIGEST_RE.match(digest):
        abort(404)
    return app.response_class(identicon_svg(digest), mimetype='image/svg+xml',
                              headers=AVATAR_HEADERS)


# Made once, with the same method as real ones, for logins of unknown users.
DUMMY_PW_HASH = generate_password_hash('not anybody\'s password')


@app.route('/login', methods=['GET', 'POST'])
def login():
    """Show the login form and log the user in."""
    if g.user is not None:
        return redirect(url_for('timeline'))
    error = None
    if request.method == 'POST':
        user = query_db(
            'select * from users where lower(username) = lower(?)',
            [request.form['username']], one=True)
        # An unknown user is checked against a dummy hash: the same
        # message and the same slow check, so that neither the answer nor
        # its time tells whether an account exists.
        pw_hash = user['pw_hash'] if user is not None else DUMMY_PW_HASH
        password_ok = check_password_hash(pw_hash, request.form['password'])
        if user is None or not password_ok:
            error = 'Invalid username or password'
        else:
            session['user_id'] = user['user_id']
            # The stamp this login is valid under (see before_request).
            session['sessions_valid_since'] = user['sessions_valid_since']
            flash('You were logged in')
            return redirect(url_for('timeline'))
    return render_template('login.html', error=error)


def reserved_usernames():
    """The names a user may not take, in lower case: the first part of the
    application's own URLs (public, login, register, static...), read from
    its URL map so that a new page reserves its name by itself."""
    names = set()
    for rule in app.url_map.iter_rules():
        first = rule.rule.lstrip('/').split('/')[0]
        if first and '<' not in first:
            names.add(first.lower())
    if app.static_path:
        names.add(app.static_path.strip('/').split('/')[0].lower())
    return names


def registration_error(form):
    """The first problem with a registration form, or None if it is valid."""
    username = form['username']
    if not username:
        return 'You have to enter a username'
    if (not USERNAME_RE.match(username)
            or username.lower() in reserved_usernames()):
        return ('You have to choose a username of up to 30 letters, digits,'
                ' "_" or "-" (not the name of a page)')
    if not EMAIL_RE.match(form['email']):
        return 'You have to enter a valid email address'
    if not form['password']:
        return 'You have to enter a password'
    if form['password'] != form['password2']:
        return 'The two passwords do not match'
    if get_user_id(username) is not None:
        return 'The username is already taken'
    return None


@app.route('/register', methods=['GET', 'POST'])
def register():
    """Show the registration form and create the account."""
    if g.user is not None:
        return redirect(url_for('timeline'))
    error = None
    if request.method == 'POST':
        error = registration_error(request.form)
        if error is None:
            try:
                execute_db('insert into users (username, email, pw_hash)'
                           ' values (?, ?, ?)',
                           [request.form['username'], request.form['email'],
                            generate_password_hash(request.form['password'])])
                g.db.commit()
            # Someone took the name between the check above and now (two
            # registrations at once): the schema's unique index refused
            # the second. DB-API connections name their driver's errors.
            except g.db.IntegrityError:
                g.db.rollback()
                error = 'The username is already taken'
            else:
                flash('You were successfully registered and can log in now')
                return redirect(url_for('login'))
    return render_template('register.html', error=error)


@app.route('/logout', methods=['POST'])
def logout():
    """Log the user out, in this browser and in every other. A POST (the
    button in the navigation), so that a link or an image on another site
    cannot log anyone out.

    Removing the login from this browser's cookie is not enough: the
    user's cookies in other browsers, and any copy of this one that
    someone captured, are still signed and would log the user in until
    they expire. Moving the user's "sessions valid since" stamp forward
    ends them all, as each carries the stamp of its login (see
    before_request).
    """
    if g.user is not None:
        # Forward by a second at least, so that the stamp changes even
        # when this server's clock is behind that of the one that set it.
        now = int(time.time())
        execute_db('update users set sessions_valid_since = case'
                   ' when ? > sessions_valid_since then ?'
                   ' else sessions_valid_since + 1 end'
                   ' where user_id = ?', [now, now, g.user['user_id']])
        g.db.commit()
    session.pop('user_id', None)
    session.pop('sessions_valid_since', None)
    flash('You were logged out')
    return redirect(url_for('public_timeline'))


if __name__ == '__main__':
    # A fresh checkout has no database yet: create it rather than fail
    # on the first request with "no such table".
    if not DATABASE_URL and not os.path.exists(DATABASE):
        init_db()
        print(f'Created the database {DATABASE}')
    # make run passes HOST and PORT; 127.0.0.1:5000 otherwise.
    app.run(host=os.environ.get('HOST', '127.0.0.1'),
            port=int(os.environ.get('PORT', '5000')))
