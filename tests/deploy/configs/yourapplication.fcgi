#!/usr/bin/env python3
# yourapplication's FastCGI server (flup), listening on a Unix socket that
# nginx or lighttpd passes requests to. umask=0o000 makes the socket
# connectable by the web server's workers, which run as another user;
# start this server before the web server. flup does not remove the
# socket file when it stops.
from flup.server.fcgi import WSGIServer

from yourapplication import app

WSGIServer(app, bindAddress="/run/yourapplication/fcgi.sock",
           umask=0o000).run()
