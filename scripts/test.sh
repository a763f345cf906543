#!/usr/bin/env bash
# Runs the whole test suite against a real PostgreSQL.
#
# Uses TEST_DATABASE_URL when it is set (a server where the tests may create and drop databases);
# otherwise starts a private PostgreSQL for the run (scripts/pg.sh) and stops it afterwards.
# Extra arguments go to `swift test` (e.g. --filter CSVFileTests).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${TEST_DATABASE_URL:-}" ]; then
  if ! pg_out=$(scripts/pg.sh start); then
    if [ "${CI:-}" = "true" ]; then
      echo "test.sh: no PostgreSQL could be started and CI=true: the database tests must run" >&2
      exit 1
    fi
    echo "test.sh: no PostgreSQL available; the database tests will be skipped" >&2
  else
    eval "$pg_out"
    export TEST_DATABASE_URL
    trap 'scripts/pg.sh stop "$PG_DIR"' EXIT
  fi
fi

swift build --build-tests
swift test --skip-build "$@"
