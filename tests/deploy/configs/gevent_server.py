# gevent serving yourapplication with its pure-Python WSGI server,
# gevent.pywsgi (the gevent.wsgi module of older gevent versions is gone).
from gevent.pywsgi import WSGIServer

from yourapplication import app

http_server = WSGIServer(("127.0.0.1", 8000), app)
http_server.serve_forever()
