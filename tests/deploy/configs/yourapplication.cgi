#!/srv/yourapplication/.venv/bin/python
# yourapplication as a CGI script: the web server runs it once per
# request, and wsgiref's CGIHandler turns the CGI environment into a WSGI
# call. The first line names a Python that has Flask installed.
import sys

sys.path.insert(0, "/srv/yourapplication")

from wsgiref.handlers import CGIHandler  # noqa: E402

from yourapplication import app  # noqa: E402

CGIHandler().run(app)
