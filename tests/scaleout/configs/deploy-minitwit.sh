#!/bin/sh
# Deploy a new release of minitwit on one application host without
# failing a request. gunicorn keeps its listening socket through a HUP:
# it starts new workers, which import the code now on disk, and sends the
# old workers SIGTERM, on which each finishes the request it has and
# exits. Connections that arrive in between wait in the socket's queue.
#
#     deploy-minitwit.sh /path/to/the/new/release
#
# The release is a folder holding minitwit.py, its templates, its static
# files and a file RELEASE with the release's name on its first line,
# which minitwit's /healthz sends back in its X-Release header. Run this
# on one host at a time, and on the next host only once it succeeded: a
# host is back when its health check answers 200 with the new name.
set -eu
new=$1
app=/srv/minitwit
pidfile=/run/minitwit/gunicorn.pid
health=http://127.0.0.11:8000/healthz
release=$(head -n 1 "$new/RELEASE")

# Workers that cannot import the application make gunicorn stop
# altogether, so try the import first, with the environment the host
# runs with (DATABASE_URL, SECRET_KEY), before anything changes.
(cd "$new" && python -c 'import minitwit')

cp -R "$new"/. "$app"/
kill -HUP "$(cat "$pidfile")"

# Wait for the health check, a minute at most.
for _ in $(seq 120); do
    if curl --silent --fail --max-time 2 --dump-header - \
            --output /dev/null "$health" \
        | tr -d '\r' | grep -qixF "x-release: $release"; then
        echo "$health: 200, release $release"
        exit 0
    fi
    sleep 0.5
done
echo "deploy-minitwit.sh: no 200 with release $release" \
    "from $health within a minute" >&2
exit 1
