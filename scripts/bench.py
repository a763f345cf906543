#!/usr/bin/env python3
"""Load benchmark: the full `host run --once` pipeline against a bare `psql \\copy`, side by side.

Generates an N-row CSV in the spec's columns, starts a private PostgreSQL (scripts/pg.sh), loads the
file with the release `host` into one fresh database and with `\\copy` into a bare table of another,
and prints rows/s for both, their ratio and the host's peak RSS. Run it through scripts/bench.sh.
"""
import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def generate(path, rows, tickers):
    start = 1735689600  # 2025-01-01T00:00:00Z
    with open(path, "w") as out:
        out.write("symbol,name,price_usd,market_cap_usd,volume_24h_usd,percent_change_24h,created_at\n")
        for i in range(1, rows + 1):
            coin = i % tickers
            t = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start + i))
            out.write(f"C{coin},Coin {coin},{coin + 1}.{i % 100000:05d},{1000000 + i},{i}.5,0.{i % 97},{t}\n")


def psql(bin_dir, url, *args, **kwargs):
    return subprocess.run([os.path.join(bin_dir, "psql"), url, "-v", "ON_ERROR_STOP=1", "-qAt", *args],
                          check=True, capture_output=True, text=True, **kwargs)


def database_url(server_url, name):
    parts = urllib.parse.urlsplit(server_url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def fresh_database(bin_dir, server_url, name):
    """Drops and creates database `name` on the server; returns its URL."""
    psql(bin_dir, server_url, "-c", f"DROP DATABASE IF EXISTS {name}", "-c", f"CREATE DATABASE {name}")
    return database_url(server_url, name)


def timed(command, env=None, cwd=None, stdin=None):
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.monotonic()
    result = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, input=stdin)
    elapsed = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if result.returncode != 0:
        sys.exit(f"command failed ({result.returncode}): {' '.join(command)}\n{result.stdout}\n{result.stderr[-4000:]}")
    return elapsed, max(peak, before), result


def schema_floor(bin_dir, url, work, batch_size=None):
    """Seconds to `\\copy` the host's own raw and observation rows (in the order it wrote them) into empty
    tables of the same columns and keys: the floor of this schema on this server. No loader that keeps
    both can beat it. With `batch_size`, the rows go in chunks of that many, each chunk of raw rows and
    its observations in a transaction of its own, as a loader that commits each batch with its
    checkpoint must: the batched floor."""
    raw_file = os.path.join(work, "floor-raw.txt")
    obs_file = os.path.join(work, "floor-obs.txt")
    raw_cols = "id, observed_at, source, content_hash, external_id, payload, location, line, run_id"
    obs_cols = "asset_ref, observed_at, ticker, price_usd, market_cap_usd, volume_24h_usd, percent_change_24h, rank, raw_id, run_id"
    psql(bin_dir, url, "-c", f"\\copy (SELECT {raw_cols} FROM raw_records ORDER BY run_id, line) TO '{raw_file}'",
         "-c", f"\\copy (SELECT {obs_cols} FROM observations ORDER BY run_id, observed_at, asset_ref) TO '{obs_file}'",
         "-c", "DROP TABLE IF EXISTS floor_raw, floor_obs",
         "-c", "CREATE TABLE floor_raw (LIKE raw_records INCLUDING ALL)",
         "-c", "CREATE TABLE floor_obs (LIKE observations INCLUDING ALL)")
    files = [raw_file, obs_file]
    if batch_size is None:
        commands = ["-c", f"\\copy floor_raw ({raw_cols}) FROM '{raw_file}'", "-c", f"\\copy floor_obs ({obs_cols}) FROM '{obs_file}'"]
    else:
        script = os.path.join(work, "floor-batched.sql")
        files.append(script)
        chunks = [split_lines(raw_file, batch_size), split_lines(obs_file, batch_size)]
        with open(script, "w") as out:
            for index in range(max(len(chunks[0]), len(chunks[1]))):
                out.write("BEGIN;\n")
                for table, cols, parts in (("floor_raw", raw_cols, chunks[0]), ("floor_obs", obs_cols, chunks[1])):
                    if index < len(parts):
                        out.write(f"\\copy {table} ({cols}) FROM '{parts[index]}'\n")
                out.write("COMMIT;\n")
        files += chunks[0] + chunks[1]
        commands = ["-f", script]
    seconds, _, _ = timed([os.path.join(bin_dir, "psql"), url, "-v", "ON_ERROR_STOP=1", "-qAt"] + commands)
    psql(bin_dir, url, "-c", "DROP TABLE floor_raw, floor_obs")
    for path in files:
        os.remove(path)
    return seconds


def split_lines(path, size):
    """Splits a text file into files of `size` lines each; returns their paths."""
    parts = []
    with open(path) as source:
        while True:
            lines = [line for _, line in zip(range(size), source)]
            if not lines:
                return parts
            parts.append(f"{path}.{len(parts)}")
            with open(parts[-1], "w") as out:
                out.writelines(lines)


def sqlite_floor(host_database, work, batch_size=None):
    """Seconds for SQLite to insert the host's own raw and observation rows (in the order it wrote them,
    already parsed, from staging tables of the same file) into empty tables of the same DDL, in one
    transaction: the floor of this schema in SQLite. With `batch_size`, one transaction per chunk of
    that many rows of each table (the batched floor, see `schema_floor`)."""
    floor = os.path.join(work, "floor.sqlite")
    if os.path.exists(floor):
        os.remove(floor)
    ddl = subprocess.run(["sqlite3", host_database, "SELECT sql || ';' FROM sqlite_master WHERE tbl_name IN "
                          "('raw_records', 'observations') AND sql IS NOT NULL"],
                         check=True, capture_output=True, text=True).stdout
    subprocess.run(["sqlite3", floor], check=True, capture_output=True, text=True,
                   input=f"ATTACH '{host_database}' AS host;\n"
                         "CREATE TABLE staged_raw AS SELECT * FROM host.raw_records ORDER BY run_id, line;\n"
                         "CREATE TABLE staged_obs AS SELECT * FROM host.observations ORDER BY run_id, observed_at, asset_ref;\n"
                         + ddl)
    if batch_size is None:
        script = ("BEGIN;\nINSERT INTO raw_records SELECT * FROM staged_raw ORDER BY rowid;\n"
                  "INSERT INTO observations SELECT * FROM staged_obs ORDER BY rowid;\nCOMMIT;\n")
    else:
        counts = subprocess.run(["sqlite3", floor, "SELECT (SELECT max(rowid) FROM staged_raw), (SELECT max(rowid) FROM staged_obs)"],
                                check=True, capture_output=True, text=True).stdout.strip().split("|")
        last = max(int(count or 0) for count in counts)
        # The host's own settings (SQLiteStore): WAL, synchronous NORMAL, a 16 MiB cache, checkpoints every 4,000 pages.
        script = ("PRAGMA journal_mode = WAL;\nPRAGMA synchronous = NORMAL;\nPRAGMA cache_size = -16384;\n"
                  "PRAGMA wal_autocheckpoint = 4000;\n") + "".join(
            f"BEGIN;\nINSERT INTO raw_records SELECT * FROM staged_raw WHERE rowid BETWEEN {start} AND {start + batch_size - 1} ORDER BY rowid;\n"
            f"INSERT INTO observations SELECT * FROM staged_obs WHERE rowid BETWEEN {start} AND {start + batch_size - 1} ORDER BY rowid;\n"
            "COMMIT;\n"
            for start in range(1, last + 1, batch_size))
    seconds, _, _ = timed(["sqlite3", floor], stdin=script)
    os.remove(floor)
    return seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--tickers", type=int, default=1000)
    parser.add_argument("--host", default=os.path.join(ROOT, ".build-release/release/host"))
    parser.add_argument("--batch-size", type=int, default=10000)
    parser.add_argument("--baseline", help="another host binary (say, an earlier release build) to load the same file "
                                           "into PostgreSQL and SQLite in the same run, for a before/after ratio")
    args = parser.parse_args()

    server_url = os.environ["TEST_DATABASE_URL"]
    bin_dir = os.environ["PG_BIN"]
    work = tempfile.mkdtemp(prefix="etl-bench-")
    csv_path = os.path.join(work, "bench.csv")
    generate(csv_path, args.rows, args.tickers)
    size_mb = os.path.getsize(csv_path) / 2**20

    for name in ("bench_host", "bench_copy", "bench_baseline", "bench_checks"):
        psql(bin_dir, server_url, "-c", f"DROP DATABASE IF EXISTS {name}", "-c", f"CREATE DATABASE {name}")
    host_url = database_url(server_url, "bench_host")
    copy_url = database_url(server_url, "bench_copy")

    # Bare \copy into a table with the file's columns and no index.
    psql(bin_dir, copy_url, "-c", "CREATE TABLE bare (symbol text, name text, price_usd numeric, market_cap_usd numeric,"
                                   " volume_24h_usd numeric, percent_change_24h numeric, created_at timestamptz)")
    copy_seconds, _, _ = timed([os.path.join(bin_dir, "psql"), copy_url, "-v", "ON_ERROR_STOP=1", "-qAt", "-c",
                                f"\\copy bare FROM '{csv_path}' WITH (FORMAT csv, HEADER true)"])

    # The full pipeline: migrations, raw rows, observations, assets, unified records, checkpoints.
    with open(os.path.join(work, "bench.yaml"), "w") as config:
        config.write("store: {type: postgres, url: \"${DATABASE_URL}\"}\n"
                     f"pipelines:\n  - {{name: bench, source: {{type: csv, path: bench.csv}}, batch_size: {args.batch_size}}}\n")
    env = dict(os.environ, DATABASE_URL=host_url, LOG_LEVEL="warning")
    host_seconds, peak_kib, result = timed([args.host, "run", "bench.yaml", "--once"], env=env, cwd=work)

    # The same PostgreSQL load held to every check of `checks:` (the price of each record compared
    # with its asset's previous one, the tickers kept for the comparison, freshness read at the end).
    with open(os.path.join(work, "bench-checks.yaml"), "w") as config:
        config.write("store: {type: postgres, url: \"${DATABASE_URL}\"}\n"
                     f"pipelines:\n  - name: bench\n    source: {{type: csv, path: bench.csv}}\n    batch_size: {args.batch_size}\n"
                     "    checks: {min_records: 1, max_count_change: 50%, max_price_change: 50%, freshness: 30m}\n")
    checks_seconds, _, _ = timed(
        [args.host, "run", "bench-checks.yaml", "--once"], env=dict(env, DATABASE_URL=database_url(server_url, "bench_checks")),
        cwd=work)
    anomalies = psql(bin_dir, database_url(server_url, "bench_checks"), "-c", "SELECT count(*) FROM run_anomalies").stdout.strip()

    # The same load into the embedded store (SQLite, WAL, synchronous=NORMAL).
    with open(os.path.join(work, "bench-sqlite.yaml"), "w") as config:
        config.write("store: {type: sqlite, path: bench.sqlite}\n"
                     f"pipelines:\n  - {{name: bench, source: {{type: csv, path: bench.csv}}, batch_size: {args.batch_size}}}\n")
    sqlite_seconds, sqlite_peak_kib, _ = timed([args.host, "run", "bench-sqlite.yaml", "--once"], env=dict(os.environ, LOG_LEVEL="warning"), cwd=work)

    # The same SQLite load through a four-step chain before the normalizer (every row kept, so the
    # stores get the same rows): the cost of the transform steps and their expressions.
    with open(os.path.join(work, "bench-chain.yaml"), "w") as config:
        config.write("store: {type: sqlite, path: bench-chain.sqlite}\n"
                     f"pipelines:\n  - name: bench\n    source: {{type: csv, path: bench.csv}}\n    batch_size: {args.batch_size}\n"
                     "    transform:\n"
                     "      - rename: { symbol: sym }\n"
                     "      - set: { name: \"trim(name)\", price_usd: \"price_usd * 1\" }\n"
                     "      - filter: { where: \"price_usd > 0 and sym not in ['TEST', 'XXX']\" }\n"
                     "      - dedupe: { key: [sym, created_at] }\n"
                     "      - normalize: { mapping: { ticker: sym } }\n")
    chain_seconds, chain_peak_kib, _ = timed([args.host, "run", "bench-chain.yaml", "--once"], env=dict(os.environ, LOG_LEVEL="warning"), cwd=work)

    baseline = None
    if args.baseline:
        baseline_pg, _, _ = timed([args.baseline, "run", "bench.yaml", "--once"],
                                  env=dict(env, DATABASE_URL=database_url(server_url, "bench_baseline")), cwd=work)
        with open(os.path.join(work, "bench-baseline.yaml"), "w") as config:
            config.write("store: {type: sqlite, path: bench-baseline.sqlite}\n"
                         f"pipelines:\n  - {{name: bench, source: {{type: csv, path: bench.csv}}, batch_size: {args.batch_size}}}\n")
        baseline_sqlite, _, _ = timed([args.baseline, "run", "bench-baseline.yaml", "--once"],
                                      env=dict(os.environ, LOG_LEVEL="warning"), cwd=work)
        baseline = (baseline_pg, baseline_sqlite)

    floor_seconds = schema_floor(bin_dir, host_url, work)

    counts = psql(bin_dir, host_url, "-c", "SELECT (SELECT count(*) FROM raw_records) || ' ' || "
                  "(SELECT count(*) FROM observations) || ' ' || (SELECT count(*) FROM normalized_records)").stdout.split()
    copied = psql(bin_dir, copy_url, "-c", "SELECT count(*) FROM bare").stdout.strip()

    host_rate = args.rows / host_seconds
    copy_rate = args.rows / copy_seconds
    print(f"rows: {args.rows:,}  file: {size_mb:.1f} MiB  tickers: {args.tickers}  batch size: {args.batch_size}")
    print()
    print("| loader | seconds | rows/s | rows stored |")
    print("|---|---:|---:|---|")
    print(f"| host run --once (release) | {host_seconds:.2f} | {host_rate:,.0f} | raw {counts[0]}, observations {counts[1]}, unified {counts[2]} |")
    print(f"| host run --once, every check of checks: on (release) | {checks_seconds:.2f} | {args.rows / checks_seconds:,.0f} | "
          f"same, and {anomalies} anomalies |")
    print(f"| host run --once into SQLite (release) | {sqlite_seconds:.2f} | {args.rows / sqlite_seconds:,.0f} | same tables, one file |")
    print(f"| host run --once into SQLite, rename + set + filter + dedupe before normalize (release) | {chain_seconds:.2f} | "
          f"{args.rows / chain_seconds:,.0f} | same rows |")
    if baseline:
        print(f"| baseline host into PostgreSQL ({args.baseline}) | {baseline[0]:.2f} | {args.rows / baseline[0]:,.0f} | |")
        print(f"| baseline host into SQLite | {baseline[1]:.2f} | {args.rows / baseline[1]:,.0f} | |")
    print(f"| psql \\copy, bare table | {copy_seconds:.2f} | {copy_rate:,.0f} | {copied} |")
    print(f"| psql \\copy of the host's raw + observation rows, same keys (schema floor) | {floor_seconds:.2f} | "
          f"{args.rows / floor_seconds:,.0f} | {args.rows} + {args.rows} |")
    print()
    print(f"ratio host / \\copy: {host_rate / copy_rate:.2f}  (target >= 0.33)")
    print(f"ratio schema floor / \\copy: {copy_seconds / floor_seconds:.2f}")
    if baseline:
        print(f"ratio host / baseline: PostgreSQL {baseline[0] / host_seconds:.2f}, SQLite {baseline[1] / sqlite_seconds:.2f}  (rows/s)")
    print(f"ratio host with every check / without: {host_seconds / checks_seconds:.2f}  (rows/s; 1.00 = the checks cost nothing)")
    print(f"ratio SQLite with the chain / without: {sqlite_seconds / chain_seconds:.2f}  (rows/s; 1.00 = the chain costs nothing)")
    print(f"host peak RSS: {peak_kib / 1024:.1f} MiB  (target < 150 MiB); SQLite with the chain: {chain_peak_kib / 1024:.1f} MiB")
    print()
    print(result.stdout.strip())
    subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
