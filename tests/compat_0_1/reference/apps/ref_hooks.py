# -*- coding: utf-8 -*-
"""before_request and after_request functions, g, and hooks that stop
a request or fail."""
import json

from flask import Flask, abort, g, request

app = Flask(__name__)


@app.before_request
def load_user():
    g.user = request.headers.get('X-User', 'anonymous')
    g.calls = ['first']


@app.before_request
def second_hook():
    g.calls.append('second')
    if request.path == '/blocked':
        return 'blocked by a before_request function'
    if request.path == '/refused':
        return 'refused', 403
    if request.path == '/abort-before':
        abort(403)
    if request.path == '/abort-before-unhandled':
        abort(401)
    if request.path == '/rewrite-method':
        request.environ['REQUEST_METHOD'] = 'POST'
    if request.path == '/raise-before':
        raise ValueError('failed before the view')


@app.after_request
def add_header(response):
    response.headers['X-After'] = 'one'
    return response


@app.after_request
def second_after(response):
    response.headers['X-After-Order'] = response.headers.get('X-After', 'none') + ',two'
    if request.path == '/replace':
        return app.response_class('replaced by an after_request function')
    if request.path == '/raise-after':
        raise KeyError('failed after the view')
    return response


@app.route('/')
def index():
    return json.dumps({'user': g.user, 'calls': g.calls}, sort_keys=True)


@app.route('/blocked')
def blocked():
    return 'the view of /blocked'


@app.route('/refused')
def refused():
    return 'the view of /refused'


@app.route('/abort-before')
def abort_before():
    return 'the view of /abort-before'


@app.route('/abort-before-unhandled')
def abort_before_unhandled():
    return 'the view of /abort-before-unhandled'


@app.route('/raise-before')
def raise_before():
    return 'the view of /raise-before'


@app.route('/rewrite-method', methods=['GET', 'POST'])
def rewrite_method():
    return 'method seen by the view: %s' % request.method


@app.route('/replace')
def replace():
    return 'the view of /replace'


@app.route('/raise-after')
def raise_after():
    return 'the view of /raise-after'


@app.route('/abort-in-view')
def abort_in_view():
    abort(403)


@app.route('/g')
def show_g():
    g.extra = 'set in the view'
    return json.dumps(sorted(k for k in vars(g) if not k.startswith('_')))


@app.errorhandler(403)
def forbidden(error):
    return 'forbidden page', 403


@app.errorhandler(404)
def not_found(error):
    return 'hooks: no such page', 404


@app.errorhandler(500)
def server_error(error):
    return 'hooks: server error', 500
