# Werkzeug's development server, started through app.run() as in the
# quickstart, with debug mode off: an unhandled exception gives a plain
# "500 Internal Server Error" page and its traceback goes to the console.
# For development only; production wants one of the other servers here.
from yourapplication import app

app.run(host="127.0.0.1", port=8000)
