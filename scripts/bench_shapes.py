#!/usr/bin/env python3
"""Load benchmark on the shapes users have, each against its physical anchor in the same run.

Shapes: ROWS rows over TICKERS tickers (100 observations each at the defaults), ROWS rows of distinct
tickers, and a file GROWTH times larger; PostgreSQL against a bare `psql \\copy` of the same file,
SQLite against `sqlite3 .import` of it; a no-op re-run of the loaded file; and three pipelines over the
same tickers (one file in ascending, one in descending, one in shuffled order) loaded together by one
`host run --once`, against the same three loaded one after another (with a check that both give the
same unified records). Prints one table with every ratio. Run it through `scripts/bench.sh --shapes`.
"""
import argparse
import os
import random
import shutil
import subprocess
import tempfile

import bench

ROOT = bench.ROOT


def generate_distinct(path, rows):
    start = 1735689600
    with open(path, "w") as out:
        out.write("symbol,name,price_usd,market_cap_usd,volume_24h_usd,percent_change_24h,created_at\n")
        for i in range(1, rows + 1):
            out.write(f"D{i},Distinct {i},{i % 1000 + 1}.5,{1000000 + i},{i}.5,0.{i % 97},2025-01-01T00:00:00Z\n")


def host_load(host, work, name, store_url, csv, batch_size, env=None):
    """Loads `csv` with `host run --once` into the store at `store_url` (postgres URL or sqlite path)."""
    config = os.path.join(work, f"{name}.yaml")
    with open(config, "w") as out:
        store = f"{{type: postgres, url: \"{store_url}\"}}" if store_url.startswith("postgres") else f"{{type: sqlite, path: {store_url}}}"
        out.write(f"store: {store}\npipelines:\n  - {{name: bench, source: {{type: csv, path: {csv}}}, batch_size: {batch_size}}}\n")
    seconds, peak, result = bench.timed([host, "run", config, "--once"], env=dict(os.environ, LOG_LEVEL="warning", **(env or {})), cwd=work)
    return seconds, peak


def together(host, work, bin_dir, fresh, rows, tickers, batch_size):
    """Three pipelines over the same tickers, each file in its own order: loaded together (one
    `host run --once`), then one after another (three). Returns both times and whether the unified
    records came out the same."""
    first = os.path.join(work, "together-asc.csv")
    bench.generate(first, rows, tickers)
    with open(first) as source:
        header, lines = source.readline(), source.readlines()
    shuffled = lines[:]
    random.Random(7).shuffle(shuffled)
    files = {"asc": first}
    for name, order in (("desc", lines[::-1]), ("shuffled", shuffled)):
        files[name] = os.path.join(work, f"together-{name}.csv")
        with open(files[name], "w") as out:
            out.write(header)
            out.writelines(order)
    times, urls = {}, {}
    for mode in ("together", "sequential"):
        urls[mode] = fresh(f"shapes_{mode}")
        config = os.path.join(work, f"{mode}.yaml")
        with open(config, "w") as out:
            out.write(f"store: {{type: postgres, url: \"{urls[mode]}\"}}\npipelines:\n")
            for name, path in files.items():
                out.write(f"  - {{name: {name}, source: {{type: csv, path: {path}}}, batch_size: {batch_size}}}\n")
        env = dict(os.environ, LOG_LEVEL="warning")
        runs = [[]] if mode == "together" else [["--pipeline", name] for name in files]
        times[mode] = sum(bench.timed([host, "run", config, "--once", *extra], env=env, cwd=work)[0] for extra in runs)
    query = ("SELECT md5(string_agg(concat_ws('|', id, source, source_asset_id, price_usd, market_cap_usd, created_at), ','"
             " ORDER BY id)) FROM normalized_records")
    same = len({bench.psql(bin_dir, urls[mode], "-c", query).stdout for mode in urls}) == 1
    return times["together"], times["sequential"], same


def copy_anchor(bin_dir, url, csv):
    bench.psql(bin_dir, url, "-c", "DROP TABLE IF EXISTS bare", "-c",
               "CREATE TABLE bare (symbol text, name text, price_usd numeric, market_cap_usd numeric,"
               " volume_24h_usd numeric, percent_change_24h numeric, created_at timestamptz)")
    seconds, _, _ = bench.timed([os.path.join(bin_dir, "psql"), url, "-v", "ON_ERROR_STOP=1", "-qAt", "-c",
                                 f"\\copy bare FROM '{csv}' WITH (FORMAT csv, HEADER true)"])
    return seconds


def sqlite_anchor(work, csv):
    database = os.path.join(work, "anchor.sqlite")
    if os.path.exists(database):
        os.remove(database)
    script = ("CREATE TABLE bare (symbol text, name text, price_usd text, market_cap_usd text, volume_24h_usd text,"
              " percent_change_24h text, created_at text);\n.mode csv\n"
              f".import --skip 1 '{csv}' bare\n")
    seconds, _, _ = bench.timed(["sqlite3", database], stdin=script)
    return seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--tickers", type=int, default=10_000)
    parser.add_argument("--distinct-rows", type=int, default=300_000)
    parser.add_argument("--growth", type=int, default=5, help="the growth file is this many times --rows")
    parser.add_argument("--batch-size", type=int, default=10000)
    parser.add_argument("--host", default=os.path.join(ROOT, ".build-release/release/host"))
    parser.add_argument("--together-rows", type=int, default=300_000, help="rows of each of the three files loaded together")
    parser.add_argument("--skip", action="append", default=[], help="leave out a shape: distinct, sqlite, growth, together")
    args = parser.parse_args()
    if shutil.which("sqlite3") is None and "sqlite" not in args.skip:
        raise SystemExit("bench_shapes.py: sqlite3 is needed for the SQLite anchor (apt-get install sqlite3), or --skip sqlite")

    server_url = os.environ["TEST_DATABASE_URL"]
    bin_dir = os.environ["PG_BIN"]
    work = tempfile.mkdtemp(prefix="etl-shapes-")
    rows = []  # (workload, host seconds, host rows, anchor name, anchor seconds, peak KiB, (schema floor s, batched floor s))

    def fresh(name):
        return bench.fresh_database(bin_dir, server_url, name)

    many = os.path.join(work, "many.csv")
    bench.generate(many, args.rows, args.tickers)
    url = fresh("shapes_many")
    seconds, peak = host_load(args.host, work, "many", url, many, args.batch_size)
    anchor = copy_anchor(bin_dir, fresh("shapes_copy"), many)
    floor = (bench.schema_floor(bin_dir, url, work), bench.schema_floor(bin_dir, url, work, args.batch_size))
    rows.append((f"CSV -> PostgreSQL, {args.rows:,} rows x {args.tickers:,} tickers", seconds, args.rows, "psql \\copy", anchor, peak, floor))
    noop, _ = host_load(args.host, work, "many", url, many, args.batch_size)
    rows.append((f"no-op re-run of the loaded {args.rows:,}-row file", noop, 0, "", None, None, None))

    if "distinct" not in args.skip:
        distinct = os.path.join(work, "distinct.csv")
        generate_distinct(distinct, args.distinct_rows)
        distinct_url = fresh("shapes_distinct")
        seconds, peak = host_load(args.host, work, "distinct", distinct_url, distinct, args.batch_size)
        anchor = copy_anchor(bin_dir, fresh("shapes_copy"), distinct)
        floor = (bench.schema_floor(bin_dir, distinct_url, work), bench.schema_floor(bin_dir, distinct_url, work, args.batch_size))
        rows.append((f"CSV -> PostgreSQL, {args.distinct_rows:,} distinct tickers", seconds, args.distinct_rows, "psql \\copy", anchor, peak,
                     floor))

    if "sqlite" not in args.skip:
        host_database = os.path.join(work, "host.sqlite")
        seconds, peak = host_load(args.host, work, "sqlite", host_database, many, args.batch_size)
        anchor = sqlite_anchor(work, many)
        floor = (bench.sqlite_floor(host_database, work), bench.sqlite_floor(host_database, work, args.batch_size))
        rows.append((f"CSV -> SQLite, {args.rows:,} rows x {args.tickers:,} tickers", seconds, args.rows, "sqlite3 .import", anchor, peak, floor))

    if "growth" not in args.skip:
        grown = os.path.join(work, "grown.csv")
        bench.generate(grown, args.rows * args.growth, args.tickers)
        seconds, peak = host_load(args.host, work, "grown", fresh("shapes_grown"), grown, args.batch_size)
        anchor = copy_anchor(bin_dir, fresh("shapes_copy"), grown)
        rows.append((f"CSV -> PostgreSQL, {args.rows * args.growth:,} rows x {args.tickers:,} tickers (growth)", seconds,
                     args.rows * args.growth, "psql \\copy", anchor, peak, None))

    if "together" not in args.skip:
        together_s, sequential_s, same = together(args.host, work, bin_dir, fresh, args.together_rows, args.tickers, args.batch_size)
        rows.append((f"3 pipelines x {args.together_rows:,} rows on the same {args.tickers:,} tickers, together", together_s,
                     3 * args.together_rows, "the same, one after another", sequential_s, None, None))

    print("| workload | host s | host rows/s | anchor | anchor s | ratio (host rows/s / anchor rows/s) | schema floor s |"
          " floor / anchor | host / floor | batched floor s | host / batched floor | peak RSS so far |")
    print("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for workload, seconds, count, anchor_name, anchor_seconds, peak, floor in rows:
        rate = f"{count / seconds:,.0f}" if count else ""
        ratio = f"{anchor_seconds / seconds:.3f}" if anchor_seconds else ""
        floors = (f"{floor[0]:.2f} | {anchor_seconds / floor[0]:.3f} | {floor[0] / seconds:.2f} | {floor[1]:.2f} | {floor[1] / seconds:.2f}"
                  if floor else " | | | | ")
        print(f"| {workload} | {seconds:.2f} | {rate} | {anchor_name} | {'' if anchor_seconds is None else f'{anchor_seconds:.2f}'} | "
              f"{ratio} | {floors} | {'' if peak is None else f'{peak / 1024:.0f} MiB'} |")
    print("\nschema floor: the store's own raw and observation rows, in the order it wrote them, copied into empty tables"
          " of the same keys (PostgreSQL: psql \\copy; SQLite: INSERT ... SELECT of parsed rows, one transaction); batched floor:"
          f" the same rows in chunks of {args.batch_size:,} (the batch size), each chunk of raw rows and its observations in a"
          " transaction of its own, as a loader that commits every batch with its checkpoint must")
    if "growth" not in args.skip:
        first, grown_row = rows[0], next(row for row in rows if row[0].endswith("(growth)"))
        print(f"\ngrowth: {grown_row[2] / grown_row[1]:,.0f} rows/s at {grown_row[2]:,} rows = "
              f"{(grown_row[2] / grown_row[1]) / (first[2] / first[1]):.2f} of the rate at {first[2]:,} rows")
    if "together" not in args.skip:
        print(f"\nthree pipelines together: unified records {'the same as' if same else 'DIFFERENT from'} one after another")
    subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
