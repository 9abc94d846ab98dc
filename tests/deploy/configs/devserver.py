# Werkzeug's development server, started through app.run() as in the
# quickstart. For development only: with debug on, anyone who can reach it
# and knows the PIN can run code on the machine. The tests set
# @DEBUG@ to True (debugger on) or False (production-like error pages).
from yourapplication import app

app.run(host="127.0.0.1", port=int("@PORT@"), debug="@DEBUG@" == "True", use_reloader=False)
