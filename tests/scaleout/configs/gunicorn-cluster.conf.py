# gunicorn settings of one minitwit application host behind the nginx load
# balancer (nginx-cluster.conf). Every host runs this same file with its
# own address in bind; nothing else differs between hosts. Start it with
# the shared settings in the environment:
#
#     DATABASE_URL=postgresql://minitwit:secret@127.0.0.20:5432/minitwit \
#     SECRET_KEY=... gunicorn --config gunicorn-cluster.conf.py minitwit:app
#
# Nothing is kept on the host itself: the session lives in a cookie signed
# with SECRET_KEY and the data in PostgreSQL, so any host can answer any
# request, and a host can die or be replaced without losing anything.

# The address the load balancer reaches this host on (its private network
# address on a real machine).
bind = ["127.0.0.11:8000"]
workers = 2
worker_class = "sync"
# The folder holding minitwit.py, its templates and static files.
chdir = "/srv/minitwit"
pidfile = "/run/minitwit/gunicorn.pid"
# gunicorn 27 otherwise opens a control socket in the home folder, shared
# by every gunicorn running as that user.
control_socket_disable = True
