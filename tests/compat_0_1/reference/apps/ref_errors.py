# -*- coding: utf-8 -*-
"""Error handlers and abort(): handled and unhandled codes, handlers
that receive the exception, a 500 handler for exceptions of views."""
from flask import Flask, abort, redirect, render_template_string, request, session

app = Flask(__name__)


@app.route('/')
def index():
    return 'errors index'


@app.route('/abort/<int:code>')
def abort_with(code):
    abort(code)


@app.route('/fail')
def fail():
    raise ValueError('the view failed')


@app.route('/zero')
def zero():
    return str(1 // 0)


@app.route('/key')
def key():
    return {}['missing']


@app.route('/redirect-abort')
def redirect_abort():
    return redirect('/target')


@app.route('/target')
def target():
    return 'target'


@app.route('/session-read')
def session_read():
    # This application has no secret key.
    return 'user in session: %s' % ('user' in session)


@app.route('/session-write')
def session_write():
    session['user'] = 'alice'
    return 'written'


@app.route('/resource')
def resource():
    with app.open_resource(request.args['name']) as f:
        data = f.read()
    if not isinstance(data, bytes):
        data = data.encode('utf-8')
    return data


@app.errorhandler(404)
def not_found(error):
    return render_template_string(
        '<h1>Not here</h1><p>{{ code }}</p>', code=error.code), 404


@app.errorhandler(403)
def forbidden(error):
    return 'no entry: %d' % error.code, 403


@app.errorhandler(418)
def teapot(error):
    return 'short and stout', 418


@app.errorhandler(500)
def server_error(error):
    # Python 2 and 3 name a missing file's error differently.
    name = 'IOError' if isinstance(error, EnvironmentError) else type(error).__name__
    return 'server error page: %s' % name, 500
