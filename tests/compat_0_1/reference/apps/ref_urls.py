# -*- coding: utf-8 -*-
"""url_for: rules with and without variables, converters, extra values
as the query string, non-ASCII values, the static endpoint and the
script root."""
import json

from flask import Flask, request, url_for

app = Flask(__name__)


@app.route('/')
def index():
    return 'index'


@app.route('/user/<name>')
def user(name):
    return name


@app.route('/post/<int:post_id>/<slug>')
def post(post_id, slug):
    return slug


@app.route('/docs/<path:page>')
def docs(page):
    return page


@app.route('/archive/', defaults={'year': 2010})
@app.route('/archive/<int:year>')
def archive(year):
    return str(year)


@app.route('/urls')
def urls():
    built = [
        url_for('index'),
        url_for('user', name='john'),
        url_for('user', name='John Doe'),
        url_for('user', name=u'J\xf6rg'),
        url_for('user', name='a/b'),
        url_for('user', name='x', page=2),
        url_for('post', post_id=42, slug='hello-world'),
        url_for('docs', page='guide/install.html'),
        url_for('archive'),
        url_for('archive', year=2010),
        url_for('archive', year=2009),
        url_for('static', filename='style.css'),
        url_for('static', filename='img/logo.png'),
        url_for('urls'),
    ]
    return json.dumps(built)


@app.route('/query')
def query():
    return url_for('user', name='q', a='1', b=u'\xe9')


@app.route('/missing-value')
def missing_value():
    return url_for('post', post_id=1)


@app.route('/unknown-endpoint')
def unknown_endpoint():
    return url_for('nowhere')


@app.route('/root-info')
def root_info():
    return json.dumps({'script_root': request.script_root, 'path': request.path,
                       'url_root': request.url_root, 'index': url_for('index')},
                      sort_keys=True)


@app.errorhandler(500)
def server_error(error):
    return 'url_for failed', 500
