#!/bin/sh
# waitress serving yourapplication on 127.0.0.1:@PORT@. Without --listen
# (or --host) waitress listens on every interface (0.0.0.0).
cd "@APPDIR@" || exit 1
exec waitress-serve --listen=127.0.0.1:@PORT@ yourapplication:app
