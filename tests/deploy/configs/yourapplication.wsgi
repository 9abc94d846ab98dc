# The file Apache's mod_wsgi loads: it imports the application object and
# names it `application`. The WSGIDaemonProcess line's python-path puts
# the yourapplication package on the import path.
from yourapplication import app as application
