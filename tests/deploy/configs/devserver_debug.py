# Werkzeug's development server with debug mode on: an unhandled exception
# shows the interactive debugger in the browser. Its console runs Python
# code on the server once the PIN (printed in the console, or set in
# WERKZEUG_DEBUG_PIN) is entered. Never expose it beyond 127.0.0.1.
# The tests turn the reloader off so that the server is one process they
# can stop; in development leave it on, to restart on code changes.
from yourapplication import app

app.run(host="127.0.0.1", port=8000, debug=True, use_reloader=False)
