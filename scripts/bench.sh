#!/usr/bin/env bash
# Benchmarks, on a private durable PostgreSQL, with the release binary (built into .build-release):
#   scripts/bench.sh [--rows N] [--tickers N] [--batch-size N] [--baseline OTHER_HOST_BINARY]
#       load: `host run --once` against a bare `psql \copy` of the same generated CSV, in one run.
#   scripts/bench.sh --api [--records N] [--duration 10s]
#       REST API: wrk against /data, /data?ticker=, /health, /stats with N unified records loaded.
#   scripts/bench.sh --shapes [--rows N] [--tickers N] [--distinct-rows N] [--growth K] [--together-rows N] [--skip SHAPE]
#       the shapes users have, each against its anchor (psql \copy, sqlite3 .import) in one table.
#   scripts/bench.sh --scale [--tickers N] [--days N] [--small-days N] [--baseline OTHER_HOST_BINARY]
#       the partitioned history at 10M rows against 1M: load rates, dated history reads, retention.
set -euo pipefail
cd "$(dirname "$0")/.."

swift build -c release --scratch-path .build-release --product host >&2
eval "$(scripts/pg.sh start --durable)"
export TEST_DATABASE_URL PG_BIN
trap 'scripts/pg.sh stop "$PG_DIR"' EXIT
if [ "${1:-}" = "--shapes" ]; then
  shift
  python3 scripts/bench_shapes.py "$@"
elif [ "${1:-}" = "--scale" ]; then
  shift
  command -v wrk >/dev/null || { echo "bench.sh: wrk is needed (apt-get install wrk)" >&2; exit 1; }
  python3 scripts/bench_scale.py "$@"
elif [ "${1:-}" = "--api" ]; then
  shift
  command -v wrk >/dev/null || { echo "bench.sh: wrk is needed (apt-get install wrk)" >&2; exit 1; }
  python3 scripts/bench_api.py "$@"
else
  python3 scripts/bench.py "$@"
fi
