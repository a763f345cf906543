#!/usr/bin/env bash
# A private PostgreSQL server for tests and benchmarks, on 127.0.0.1 and a free port.
#
#   eval "$(scripts/pg.sh start [--durable])"   # prints PG_DIR=... and TEST_DATABASE_URL=...
#   scripts/pg.sh stop "$PG_DIR"
#   scripts/pg.sh halt "$PG_DIR"; scripts/pg.sh resume "$PG_DIR"   # crash and restart it (fault tests)
#   scripts/pg.sh shutdown "$PG_DIR"                                 # a fast shutdown, data kept
#   eval "$(scripts/pg.sh replica "$TEST_DATABASE_URL")"          # a streaming replica of it
#
# The cluster lives in a new temporary directory, owned by the `postgres` OS user when run as
# root (PostgreSQL refuses to run as root). Authentication is scram-sha-256 with a random password.
# Without --durable, fsync is off: fast, and fine for data that is thrown away.
# max_connections is 500: the test suite runs its suites in parallel, each store with a pool of up
# to 16 connections, and peaks near 200 (measured 171 on 2 cores). A replica needs at least as many.
set -euo pipefail
MAX_CONNECTIONS=500

# A server started from here inherits every descriptor its caller left open (a test process holding
# a thousand sockets), and PostgreSQL counts them against max_files_per_process: it refuses to start
# with "insufficient file descriptors". Only stdin, stdout and stderr are passed on.
for fd in $(ls /proc/$$/fd 2>/dev/null); do
  if [ "$fd" -gt 2 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi
done

bindir() {
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir
    return
  fi
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] || { echo "pg.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
  echo "$dir"
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start() {
  local durable=0
  [ "${1:-}" = "--durable" ] && durable=1
  local bin dir port password
  bin=$(bindir)
  dir=$(mktemp -d /tmp/etl-pg.XXXXXX)
  chmod 755 "$dir"
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
  printf '%s\n' "$password" > "$dir/pwfile"
  [ "$(id -u)" = 0 ] && chown postgres: "$dir/pwfile"
  as_owner "$bin/initdb" -D "$dir/data" -U etl --pwfile="$dir/pwfile" --auth=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  rm -f "$dir/pwfile"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  local settings="-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=$MAX_CONNECTIONS"
  if [ "$durable" = 0 ]; then
    settings="$settings -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi
  printf '%s\n' "$settings" > "$dir/settings"
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "$settings" -w -t 60 start >/dev/null \
    || { cat "$dir/server.log" >&2; exit 1; }
  PGPASSWORD=$password "$bin/psql" -h 127.0.0.1 -p "$port" -U etl -d postgres -qAt \
    -c "CREATE DATABASE etl" >/dev/null
  echo "PG_DIR=$dir"
  echo "PG_BIN=$bin"
  echo "TEST_DATABASE_URL=postgres://etl:$password@127.0.0.1:$port/etl?sslmode=disable"
}

stop() {
  local dir=${1:?usage: pg.sh stop DIR}
  [ -d "$dir/data" ] || return 0
  as_owner "$(bindir)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

# Stops the server at once (as a crash or a lost host would), keeping its data: for fault tests.
halt() {
  local dir=${1:?usage: pg.sh halt DIR}
  as_owner "$(bindir)/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null
}

# Stops the server as an operator's `pg_ctl stop -m fast` does (sessions are told, then closed),
# keeping its data: for fault tests.
shutdown() {
  local dir=${1:?usage: pg.sh shutdown DIR}
  as_owner "$(bindir)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
}

# Starts a halted server again on the same port.
resume() {
  local dir=${1:?usage: pg.sh resume DIR}
  as_owner "$(bindir)/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "$(cat "$dir/settings")" -w -t 60 start >/dev/null \
    || { cat "$dir/server.log" >&2; exit 1; }
}

# A streaming replica of a running server (pg_basebackup -R), on a free port of its own; prints
# PG_DIR, PG_BIN and TEST_DATABASE_URL as `start` does. Pause its replay with
# `SELECT pg_wal_replay_pause()` on it; `halt`, `resume` and `stop` take its directory.
replica() {
  local primary_url=${1:?usage: pg.sh replica PRIMARY_URL}
  local bin dir port password primary_port
  bin=$(bindir)
  password=${primary_url#*://*:}
  password=${password%%@*}
  primary_port=${primary_url##*@127.0.0.1:}
  primary_port=${primary_port%%/*}
  dir=$(mktemp -d /tmp/etl-pg.XXXXXX)
  chmod 755 "$dir"
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  as_owner env PGPASSWORD="$password" "$bin/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U etl \
    -D "$dir/data" -R -X stream -c fast >"$dir/basebackup.log" 2>&1 \
    || { cat "$dir/basebackup.log" >&2; exit 1; }
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  local settings="-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=$MAX_CONNECTIONS"
  settings="$settings -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  printf '%s\n' "$settings" > "$dir/settings"
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "$settings" -w -t 60 start >/dev/null \
    || { cat "$dir/server.log" >&2; exit 1; }
  echo "PG_DIR=$dir"
  echo "PG_BIN=$bin"
  echo "TEST_DATABASE_URL=postgres://etl:$password@127.0.0.1:$port/etl?sslmode=disable"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  halt) shift; halt "$@" ;;
  shutdown) shift; shutdown "$@" ;;
  resume) shift; resume "$@" ;;
  replica) shift; replica "$@" ;;
  *) echo "usage: pg.sh start [--durable] | replica PRIMARY_URL | stop DIR | halt DIR | shutdown DIR | resume DIR" >&2; exit 2 ;;
esac
