#!/usr/bin/env bash
# repeat.sh N COMMAND...: run COMMAND (a pytest run) N times in a row,
# printing its last line each time; stop at the first failure with its
# whole output. For the targets that prove a suite never fails by chance
# (make check-repeat, make scaleout-repeat). With SHOW set to an extended
# regular expression, each run's output from every match to the end of
# its line is printed too (make scaleout-repeat: the deploy's figures).
set -u
runs=$1
shift
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for i in $(seq "$runs"); do
    "$@" >"$log" 2>&1
    status=$?
    echo "run $i of $runs: $(tail -n 1 "$log")"
    if [ -n "${SHOW:-}" ]; then
        grep -Eo "($SHOW).*" "$log" | sed 's/^/    /'
    fi
    if [ "$status" -ne 0 ]; then
        cat "$log"
        echo "failed on run $i of $runs"
        exit 1
    fi
done
echo "$runs passed, 0 failed"
