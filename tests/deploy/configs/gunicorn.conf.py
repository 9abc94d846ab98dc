# gunicorn settings for yourapplication: two sync worker processes on
# 127.0.0.1. Start it with
#
#     gunicorn --config gunicorn.conf.py yourapplication:app
#
# Both workers sign sessions with the application's one secret_key, so a
# visitor's session does not depend on which worker answers.
bind = ["127.0.0.1:8000"]
workers = 2
worker_class = "sync"
chdir = "/srv/yourapplication"
pidfile = "/run/yourapplication/gunicorn.pid"
# gunicorn 27 otherwise opens a control socket in the home folder, shared
# by every gunicorn running as that user.
control_socket_disable = True
