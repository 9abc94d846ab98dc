#!/bin/sh
# Granian serving yourapplication through its WSGI interface on
# 127.0.0.1:8000: 2 worker processes, each running requests in up to 4
# threads. Every thread may hold a database connection: keep workers
# times threads (8 here) below what the database allows (PostgreSQL's
# max_connections is 100 unless configured), counting every host.
exec granian --interface wsgi --host 127.0.0.1 --port 8000 \
    --workers 2 --blocking-threads 4 \
    --working-dir /srv/yourapplication yourapplication:app
