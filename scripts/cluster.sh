#!/usr/bin/env bash
# The many-hosts topology on loopback, under load, with a host killed and restarted:
#   scripts/cluster.sh [--host BINARY] [--duration SECONDS] [--records N]
# Starts a PostgreSQL primary and a streaming replica (scripts/pg.sh), two `host run` processes
# (one runs the schedules, one only serves: server.schedules: false; both read from the replica),
# and nginx in front of them (deploy/nginx.conf); drives wrk through nginx with a mix of random
# ticker, page and history reads while the scheduling host is killed (SIGKILL) and restarted, and
# prints the figures and the failed requests. Exits 1 if any request failed.
# Needs nginx and wrk (apt-get install nginx-light wrk). Without --host it builds the release binary.
set -euo pipefail
cd "$(dirname "$0")/.."

host=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --host) host=$2; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
for tool in nginx wrk; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "cluster.sh: $tool is needed (apt-get install nginx-light wrk)" >&2; exit 1; }
done
if [ -z "$host" ]; then
  swift build -c release --scratch-path .build-release --product host >&2
  host=.build-release/release/host
fi
eval "$(scripts/pg.sh start)"
primary_dir=$PG_DIR
primary_url=$TEST_DATABASE_URL
trap 'scripts/pg.sh stop "$primary_dir"; [ -n "${replica_dir:-}" ] && scripts/pg.sh stop "$replica_dir"' EXIT
eval "$(scripts/pg.sh replica "$primary_url")"
replica_dir=$PG_DIR
replica_url=$TEST_DATABASE_URL
PRIMARY_URL=$primary_url REPLICA_URL=$replica_url PG_BIN=$PG_BIN \
  python3 scripts/cluster.py --host "$(realpath "$host")" ${args[@]+"${args[@]}"}
