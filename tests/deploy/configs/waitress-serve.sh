#!/bin/sh
# waitress serving yourapplication on 127.0.0.1:8000. Without --listen
# (or --host) waitress listens on every interface (0.0.0.0).
cd "/srv/yourapplication" || exit 1
exec waitress-serve --listen=127.0.0.1:8000 yourapplication:app
