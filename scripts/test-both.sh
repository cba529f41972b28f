#!/usr/bin/env bash
# Run the SQLite pass (with coverage) and the PostgreSQL pass side by side, then print each pass's
# log and fail if either failed. Each pass is mostly one process on one core; on two cores this halves
# the wall time of `make test`. The passes share nothing: each test has its own database or directory,
# and servers listen on free ports of 127.0.0.1.
set -uo pipefail
logs=$(mktemp -d /tmp/goodterms-test.XXXXXX)
trap 'rm -rf "$logs"' EXIT
make --no-print-directory unit >"$logs/sqlite.log" 2>&1 &
sqlite_pid=$!
make --no-print-directory pg-test >"$logs/pg.log" 2>&1 &
pg_pid=$!
wait "$sqlite_pid"; sqlite_rc=$?
wait "$pg_pid"; pg_rc=$?
echo "=== SQLite pass (exit $sqlite_rc)"
cat "$logs/sqlite.log"
echo "=== PostgreSQL pass (exit $pg_rc)"
cat "$logs/pg.log"
[ "$sqlite_rc" -eq 0 ] && [ "$pg_rc" -eq 0 ]
