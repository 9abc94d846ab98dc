# -*- coding: utf-8 -*-
"""Sessions and message flashing, carried from one request to the next
by the session cookie."""
import json

from flask import Flask, flash, get_flashed_messages, redirect, request, session, url_for

app = Flask(__name__)
app.secret_key = 'sessions app: a signing key long enough for tests'


def show_session():
    return json.dumps(dict(session), sort_keys=True)


@app.route('/')
def index():
    return show_session()


@app.route('/login', methods=['POST'])
def login():
    session['user'] = request.form['user']
    flash('Welcome, %s' % request.form['user'])
    return redirect(url_for('index'))


@app.route('/logout')
def logout():
    session.pop('user', None)
    flash('Bye')
    return redirect(url_for('index'))


@app.route('/whoami')
def whoami():
    if 'user' in session:
        return 'logged in as %s' % session['user']
    return 'not logged in'


@app.route('/count')
def count():
    session['count'] = session.get('count', 0) + 1
    return str(session['count'])


@app.route('/cart/add/<item>')
def cart_add(item):
    session.setdefault('cart', []).append(item)
    return json.dumps(session['cart'])


@app.route('/cart')
def cart():
    return json.dumps(session.get('cart', []))


@app.route('/store')
def store():
    session['number'] = 3
    session['text'] = u'caf\xe9 \u2713'
    session['list'] = [1, 'two', 3.5]
    session['mapping'] = {'a': 1}
    session['flag'] = True
    return 'stored'


@app.route('/mutate')
def mutate():
    # Changing a value in place does not mark the session modified.
    session['mapping']['b'] = 2
    return show_session()


@app.route('/clear')
def clear():
    session.clear()
    return 'cleared'


@app.route('/flash/<message>')
def flash_message(message):
    flash(message)
    return 'flashed'


@app.route('/messages')
def messages():
    first = get_flashed_messages()
    second = get_flashed_messages()
    return json.dumps({'first': first, 'second': second}, sort_keys=True)


@app.route('/after-session')
def after_session():
    session['view'] = 'yes'
    return 'the after_request function adds to the session'


@app.after_request
def change_session_after(response):
    if request.path == '/after-session':
        session['after'] = 'yes'
    return response


@app.route('/read-only')
def read_only():
    return 'user is %s' % session.get('user', 'nobody')
