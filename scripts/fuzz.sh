#!/usr/bin/env bash
# Fuzzes the REST API from its own document: Schemathesis (pip install schemathesis) against a live
# `host run` on loopback, every operation, every check. Exit code non-zero on any failure.
#
#   scripts/fuzz.sh [--max-examples N] [--seed N]
#
# --max-examples: cases per operation and phase (default 100: about 40 s on 2 cores); --seed makes
# the run reproducible (CI uses a fixed one; without it each run explores new cases).
#
# Uses TEST_DATABASE_URL when set (a PostgreSQL where it may create a database), otherwise starts a
# private server with scripts/pg.sh. Needs a built host (swift build).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
examples=100
seed=()
while [ $# -gt 0 ]; do
  case "$1" in
    --max-examples) examples=$2; shift 2 ;;
    --seed) seed=(--seed "$2"); shift 2 ;;
    *) echo "fuzz.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

export PATH="$HOME/.local/bin:$PATH"
if command -v schemathesis >/dev/null; then
  st=(schemathesis)
else
  echo "fuzz.sh: schemathesis is not installed (pip install schemathesis)" >&2
  exit 1
fi
host="$root/.build/debug/host"
[ -x "$host" ] || { echo "fuzz.sh: build the host first (swift build)" >&2; exit 1; }

work=$(mktemp -d)
cleanup() {
  [ -n "${host_pid:-}" ] && kill "$host_pid" 2>/dev/null && wait "$host_pid" 2>/dev/null
  # Only a server this script started: a caller's PG_DIR is the caller's.
  [ -n "${own_pg_dir:-}" ] && scripts/pg.sh stop "$own_pg_dir" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
if [ -z "${TEST_DATABASE_URL:-}" ]; then
  eval "$(scripts/pg.sh start)"
  own_pg_dir=$PG_DIR
fi
database_url=$TEST_DATABASE_URL

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cp data/sample.csv "$work/sample.csv"
cat > "$work/pipelines.yaml" <<YAML
store: {url: "\${FUZZ_DATABASE_URL}"}
server: {host: 127.0.0.1, port: $port, trigger_token: "\${FUZZ_TOKEN}"}
pipelines:
  - {name: csv, source: {type: csv, path: sample.csv}, schedule: {every: 1h}}
YAML
token=$(head -c 12 /dev/urandom | base64 | tr -d '/+=')
FUZZ_DATABASE_URL=$database_url FUZZ_TOKEN=$token LOG_LEVEL=warning \
  "$host" run "$work/pipelines.yaml" 2>"$work/host.log" &
host_pid=$!
ready=0
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && { ready=1; break; }
  sleep 0.2
done
if [ "$ready" -ne 1 ]; then
  echo "fuzz.sh: the host did not answer /health within 20 s" >&2
fi

status=0
# The tap is a stream that stays open while the pipeline runs: a request that reaches it with the
# token would only ever end by the fuzzer's timeout. TapTests cover it.
"${st[@]}" run "http://127.0.0.1:$port/openapi.json" --checks all --max-examples "$examples" "${seed[@]}" \
  --exclude-path '/pipelines/{name}/tap' \
  -H "X-Scheduler-Token: $token" --suppress-health-check all --no-color --request-timeout 10 || status=$?
if grep -q '"level":"critical"' "$work/host.log"; then
  echo "fuzz.sh: the host logged a critical error:" >&2
  grep '"level":"critical"' "$work/host.log" >&2
  status=1
fi
kill -0 "$host_pid" 2>/dev/null || { echo "fuzz.sh: the host died during the fuzz" >&2; status=1; }
if [ "$status" -ne 0 ]; then
  # What the host and its database said, to tell a host fault from a database that went away.
  echo "fuzz.sh: the host's log (last 40 lines):" >&2
  tail -n 40 "$work/host.log" >&2 || true
  if [ -n "${own_pg_dir:-}" ]; then
    echo "fuzz.sh: the PostgreSQL server's log (last 40 lines):" >&2
    tail -n 40 "$own_pg_dir/server.log" >&2 || true
  fi
fi
exit $status
