# -*- coding: utf-8 -*-
"""The request object: method, paths and URLs, query string, form,
values, cookies, headers, uploads, the raw body and the environ."""
import json

from flask import Flask, request

app = Flask(__name__)


def pairs(multidict):
    return sorted([key, sorted(values)] for key, values in multidict.lists())


@app.route('/info', methods=['GET', 'POST', 'PUT', 'DELETE'])
@app.route('/info/<path:rest>', methods=['GET', 'POST'])
def info(rest=None):
    return json.dumps({
        'method': request.method,
        'path': request.path,
        'script_root': request.script_root,
        'url': request.url,
        'base_url': request.base_url,
        'url_root': request.url_root,
        'rest': rest,
    }, sort_keys=True)


@app.route('/args')
def args():
    return json.dumps({'args': pairs(request.args),
                       'first': request.args.get('a'),
                       'all': request.args.getlist('a')}, sort_keys=True)


@app.route('/form', methods=['GET', 'POST', 'PUT', 'DELETE'])
def form():
    return json.dumps({'method': request.method, 'form': pairs(request.form),
                       'args': pairs(request.args),
                       'values': sorted(request.values.keys())}, sort_keys=True)


@app.route('/cookies')
def cookies():
    return json.dumps(sorted(request.cookies.items()))


@app.route('/headers')
def headers():
    return json.dumps({
        'agent': request.headers.get('User-Agent'),
        'custom': request.headers.get('X-Custom'),
        'missing': request.headers.get('X-Missing', 'default'),
        'host': request.headers.get('Host'),
        'accept': request.headers['Accept'] if 'Accept' in request.headers else None,
    }, sort_keys=True)


@app.route('/upload', methods=['POST'])
def upload():
    uploaded = request.files.get('file')
    if uploaded is None:
        return 'no file', 400
    content = uploaded.read()
    return json.dumps({'filename': uploaded.filename, 'size': len(content),
                       'text': content.decode('utf-8'),
                       'fields': pairs(request.form)}, sort_keys=True)


@app.route('/json', methods=['POST'])
def json_body():
    data = json.loads(request.stream.read().decode('utf-8'))
    return json.dumps({'received': data}, sort_keys=True)


@app.route('/data', methods=['POST'])
def raw_data():
    return json.dumps({'length': len(request.data),
                       'form': pairs(request.form)}, sort_keys=True)


@app.route('/environ')
def environ():
    return json.dumps({'method': request.environ['REQUEST_METHOD'],
                       'server': request.environ['SERVER_NAME'],
                       'custom': request.environ.get('HTTP_X_CUSTOM')}, sort_keys=True)
