#!/usr/bin/env bash
# Builds the external plugin package (examples/custom-host) the way a team outside this repository
# would: from copies of it and of the framework outside the repository tree, so that nothing
# internal can leak in. Then runs its tests (the ETLTesting suites on its source and step) and its
# own host --once into SQLite, on a pipeline file that uses both new components beside the standard
# CSV source, and checks what was loaded.
#
# Usage: scripts/example.sh [WORK_DIR]   (default: a fresh temporary directory, removed afterwards)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

work=${1:-}
if [ -z "$work" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
# The framework as a dependency: the committed tree only (no .build, no local changes' leftovers).
rm -rf "$work/kasparro-etl" "$work/custom-host"
mkdir -p "$work/kasparro-etl"
git ls-files -z | grep -zv '^examples/custom-host/' | tar --null -T - -cf - | tar -C "$work/kasparro-etl" -xf -
cp -R examples/custom-host "$work/custom-host"
rm -rf "$work/custom-host/.build" "$work/custom-host/data/etl.sqlite"*
cd "$work/custom-host"
export KASPARRO_ETL_PATH="$work/kasparro-etl"

start=$(date +%s)
swift build --build-tests
echo "example: built in $(( $(date +%s) - start )) s"
swift test --skip-build
host=$(swift build --show-bin-path)/custom-host
"$host" validate pipelines.yaml
"$host" run pipelines.yaml --once
# 16 CoinGecko records from the JSON Lines file, 3 rows of the CSV file, names upper-cased by the
# example's own step.
python3 - <<'PY'
import sqlite3
db = sqlite3.connect("data/etl.sqlite")
counts = dict(db.execute("select source, count(*) from normalized_records group by source").fetchall())
assert counts == {"markets": 16, "tickers": 3}, counts
names = [n for (n,) in db.execute("select name from normalized_records where source = 'markets'")]
assert names and all(n == n.upper() for n in names), names
print("example: loaded", counts, "names upper-cased")
PY
