# -*- coding: utf-8 -*-
"""Routing: rules and converters, methods, trailing slashes, 404 and 405."""
import json

from flask import Flask, request

app = Flask(__name__)


def show(**values):
    return json.dumps(values, sort_keys=True)


@app.route('/')
def index():
    return 'index page'


@app.route('/user/<username>')
def user(username):
    return show(view='user', username=username)


@app.route('/post/<int:post_id>')
def post(post_id):
    return show(view='post', post_id=post_id)


@app.route('/price/<float:amount>')
def price(amount):
    return show(view='price', amount=amount)


@app.route('/files/<path:name>')
def files(name):
    return show(view='files', name=name)


@app.route('/code/<string(length=3):code>')
def code(code):
    return show(view='code', code=code)


@app.route('/year/<int(fixed_digits=4):year>')
def year(year):
    return show(view='year', year=year)


@app.route('/page/<int(min=1, max=9):number>')
def page(number):
    return show(view='page', number=number)


@app.route('/lang/<any(en, fr):lang>')
def lang(lang):
    return show(view='lang', lang=lang)


@app.route('/pair/<a>/<int:b>')
def pair(a, b):
    return show(view='pair', a=a, b=b)


@app.route('/slash/')
def slash():
    return show(view='slash', method=request.method)


@app.route('/noslash')
def noslash():
    return show(view='noslash')


@app.route('/form', methods=['GET', 'POST'])
def form():
    return show(view='form', method=request.method)


@app.route('/put-only', methods=['PUT'])
def put_only():
    return show(view='put_only', method=request.method)


@app.route('/remove', methods=['DELETE', 'POST'])
def remove():
    return show(view='remove', method=request.method)


@app.route('/list/', defaults={'number': 1})
@app.route('/list/<int:number>')
def listing(number):
    return show(view='listing', number=number)


@app.route('/endpoint-info/<item>')
def endpoint_info(item):
    return show(endpoint=request.endpoint, view_args=request.view_args)
