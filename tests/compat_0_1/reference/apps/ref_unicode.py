# -*- coding: utf-8 -*-
"""Non-ASCII text in paths, query strings, forms, templates, responses
and URLs built with url_for."""
import json

from flask import Flask, render_template, request, url_for

app = Flask(__name__)


@app.route(u'/caf\xe9')
def cafe():
    return u'caf\xe9 page: %s' % request.path


@app.route('/word/<word>')
def word(word):
    return json.dumps({'word': word, 'length': len(word), 'path': request.path},
                      sort_keys=True)


@app.route('/search')
def search():
    return json.dumps({'q': request.args.get('q'), 'length': len(request.args.get('q', ''))},
                      sort_keys=True)


@app.route('/echo', methods=['POST'])
def echo():
    return json.dumps({'name': request.form.get('name'),
                       'length': len(request.form.get('name', ''))}, sort_keys=True)


@app.route('/page')
def page():
    return render_template('page.html', name=u'Z\xfcrich', symbol=u'\u20ac')


@app.route('/build')
def build():
    return json.dumps([url_for('word', word=u'\xfcber'),
                       url_for('search', q=u'\u65e5\u672c')])


@app.route('/build-cafe')
def build_cafe():
    # The rule's own text is not ASCII.
    return url_for('cafe')


@app.route('/latin1')
def latin1():
    return u'caf\xe9'.encode('latin-1'), 200, {'Content-Type': 'text/plain; charset=latin-1'}
