# -*- coding: utf-8 -*-
"""Templates: files from the templates folder, inheritance, includes,
autoescaping, Markup, context processors, the default context (request,
session, g, url_for, get_flashed_messages) and render_template_string."""
from flask import (Flask, Markup, flash, g, render_template,
                   render_template_string, request, session)

app = Flask(__name__)
app.secret_key = 'templates app: a signing key long enough for tests'


@app.context_processor
def site_name():
    return {'site': 'Reference', 'title': 'from the context processor'}


@app.before_request
def set_g():
    g.colour = 'green'


@app.route('/')
def index():
    return render_template('index.html', entries=['one', 'two', u'dr\xeai'])


@app.route('/child')
def child():
    return render_template('child.html', title='Child page')


@app.route('/escape')
def escape_page():
    value = request.args.get('value', '<script>alert("x")</script> & \'q\'')
    return render_template('escape.html', value=value,
                           safe=Markup('<em>trusted</em>'))


@app.route('/processor')
def processor():
    return render_template_string('{{ site }}|{{ title }}')


@app.route('/explicit')
def explicit():
    return render_template_string('{{ site }}|{{ title }}', title='explicit')


@app.route('/context')
def context():
    session['seen'] = 'yes'
    return render_template('context.html')


@app.route('/string')
def string():
    return render_template_string(
        u'<p>{{ name }} \u2013 {{ items|join(", ") }} {{ markup }}</p>',
        name='<b>bold</b>', items=['a', 'b'], markup=Markup('<i>i</i>'))


@app.route('/flash-and-render')
def flash_and_render():
    flash('flashed <message>')
    return render_template_string(
        '{% for m in get_flashed_messages() %}[{{ m }}]{% endfor %}')


@app.route('/filters')
def filters():
    return render_template_string(
        '{{ "hello"|upper }} {{ 3.14159|round(2) }} {{ [3, 1, 2]|sort|join }} '
        '{{ "<a>"|e }} {{ none_value|default("empty") }} {{ missing|default("empty") }}',
        none_value=None)


@app.route('/truncate')
def truncate():
    return render_template_string('{{ long|truncate(10) }}', long='a long sentence of words')


@app.route('/with')
def with_block():
    return render_template_string(
        '{% with x = 42 %}{{ x }}{% endwith %} '
        '{% autoescape false %}{{ raw }}{% endautoescape %} {{ raw }}',
        raw='<b>')


@app.route('/missing-template')
def missing_template():
    return render_template('does-not-exist.html')


@app.route('/undefined')
def undefined():
    return render_template_string('[{{ nothing }}][{{ nothing.attr }}]')


@app.route('/macro')
def macro():
    return render_template('macro.html', users=['ann', 'bob'])


@app.errorhandler(500)
def server_error(error):
    return 'template error: %s' % type(error).__name__, 500
