#!/usr/bin/env bash
# Benchmark: `host run --once` against a bare `psql \copy` of the same generated CSV, in one run.
#   scripts/bench.sh [--rows N] [--tickers N] [--batch-size N]
# Builds the release binary into .build-release, starts a private durable PostgreSQL, prints a table.
set -euo pipefail
cd "$(dirname "$0")/.."

swift build -c release --scratch-path .build-release --product host >&2
eval "$(scripts/pg.sh start --durable)"
export TEST_DATABASE_URL PG_BIN
trap 'scripts/pg.sh stop "$PG_DIR"' EXIT
python3 scripts/bench.py "$@"
