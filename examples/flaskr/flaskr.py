"""Flaskr: the tutorial's microblog. One user, configured below, can log
in and post entries made of a plain-text title and an HTML text; everyone
sees the entries, newest first.

Run it from this folder with ``python flaskr.py``. The database is
``flaskr.db`` beside this file unless ``FLASKR_DATABASE`` names another
path; it is created on the first start.
"""
# all the imports
import os
import sqlite3
from contextlib import closing

from flask import Flask, request, session, g, redirect, url_for, \
    abort, render_template, flash

# configuration
DATABASE = os.environ.get(
    'FLASKR_DATABASE',
    os.path.join(os.path.dirname(os.path.abspath(__file__)), 'flaskr.db'))
DEBUG = True
SECRET_KEY = 'development key'
USERNAME = 'admin'
PASSWORD = 'default'

# create our little application :)
app = Flask(__name__)
app.secret_key = SECRET_KEY
app.debug = DEBUG


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
        if request.form['username'] != USERNAME:
            error = 'Invalid username'
        elif request.form['password'] != PASSWORD:
            error = 'Invalid password'
        else:
            session['logged_in'] = True
            flash('You were logged in')
            return redirect(url_for('show_entries'))
    return render_template('login.html', error=error)


@app.route('/logout')
def logout():
    """Forget that the user is logged in."""
    session.pop('logged_in', None)
    flash('You were logged out')
    return redirect(url_for('show_entries'))


if __name__ == '__main__':
    # A fresh checkout has no database yet: create it rather than fail
    # on the first request with "no such table".
    if not os.path.exists(DATABASE):
        init_db()
        print(f'Created the database {DATABASE}')
    print('Flaskr: point your browser to http://127.0.0.1:5000/')
    app.run(host='127.0.0.1')
