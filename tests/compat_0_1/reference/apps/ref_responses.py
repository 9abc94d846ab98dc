# -*- coding: utf-8 -*-
"""What views return: strings, tuples, response objects, redirects, WSGI
applications and HTTP exceptions; HEAD requests to views. No error
handlers."""
from flask import Flask, Response, abort, redirect

app = Flask(__name__)


@app.route('/text')
def text():
    return 'plain text'


@app.route('/unicode')
def unicode_text():
    return u'gr\xfc\xdfe \u2603'


@app.route('/bytes')
def raw_bytes():
    return b'raw bytes'


@app.route('/tuple-status')
def tuple_status():
    return 'created', 201


@app.route('/tuple-headers')
def tuple_headers():
    return 'with headers', 200, {'X-Extra': 'yes'}


@app.route('/tuple-list-headers')
def tuple_list_headers():
    return 'listed headers', 202, [('X-One', '1'), ('X-Two', '2')]


@app.route('/response')
def response_object():
    response = Response('made by the view', mimetype='text/plain')
    response.headers['X-Made'] = 'view'
    response.status_code = 203
    return response


@app.route('/json-mimetype')
def json_mimetype():
    return Response('{"a": 1}', mimetype='application/json')


@app.route('/cookie')
def cookie():
    response = Response('cookie set')
    response.set_cookie('flavour', 'oatmeal')
    return response


@app.route('/redirect-root')
def redirect_root():
    return redirect('/')


@app.route('/redirect-path')
def redirect_path():
    return redirect('/text?x=1')


@app.route('/redirect-relative')
def redirect_relative():
    return redirect('text')


@app.route('/redirect-absolute')
def redirect_absolute():
    return redirect('http://example.com/elsewhere')


@app.route('/redirect-301')
def redirect_301():
    return redirect('/text', 301)


@app.route('/redirect-unicode')
def redirect_unicode():
    return redirect(u'/caf\xe9')


def wsgi_list(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [b'from ', b'a WSGI ', b'application']


def wsgi_generator(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return (part for part in [b'generated ', b'body'])


@app.route('/wsgi-list')
def wsgi_app_list():
    return wsgi_list


@app.route('/wsgi-generator')
def wsgi_app_generator():
    return wsgi_generator


@app.route('/http-exception')
def http_exception():
    abort(404)


@app.route('/empty')
def empty():
    return ''


@app.route('/status-text')
def status_text():
    return Response('odd status', status='299 Custom')


@app.route('/none')
def none():
    return None


@app.route('/fail')
def fail():
    raise RuntimeError('no handler for this')


@app.route('/head-and-get', methods=['GET', 'HEAD'])
def head_and_get():
    return 'a body HEAD must not get'
