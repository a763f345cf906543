#!/usr/bin/env python3
"""Numbers at size: the partitioned history at 10M rows against 1M (run it through scripts/bench.sh --scale).

Loads TICKERS tickers x DAYS daily observations (10,000 x 1,000 = 10M rows, about 33 months) and the
same tickers x SMALL_DAYS (1M rows) with `host run --once`, each into a fresh database, and reports:
the load rates (and, with --baseline, the 1M rate of an earlier, unpartitioned build); the p99 of
`/data/{t}/history` over a random one-week range with the response cache off, at 10M against 1M
(wrk -t2 -c32, random tickers and weeks); and dropping the oldest month by retention against
deleting the next month's rows, for the observations and the raw payloads.
"""
import argparse
import datetime
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

import bench
import bench_api
import bench_shapes

ROOT = bench.ROOT
START = datetime.date(2023, 1, 1)

LUA = bench_api.LUA_THREADS + r"""
function init(args)
  seed()
  tickers = tonumber(args[1])
  days = tonumber(args[2])
  start = tonumber(args[3])
end
function request()
  local from = start + 86400 * math.random(0, days - 7)
  return wrk.format("GET", string.format("/data/T%05d/history?start_date=%s&end_date=%s", math.random(0, tickers - 1),
    os.date("!%Y-%m-%dT00:00:00Z", from), os.date("!%Y-%m-%dT00:00:00Z", from + 7 * 86400)))
end
"""


def generate(path, tickers, days):
    with open(path, "w") as out:
        out.write("symbol,name,price_usd,market_cap_usd,volume_24h_usd,percent_change_24h,created_at\n")
        for day in range(days):
            date = (START + datetime.timedelta(days=day)).isoformat()
            for i in range(tickers):
                out.write(f"T{i:05d},Token {i},{1 + i % 997}.{(day * 7 + i) % 10000:04d},{10_000_000 + i * 13 + day},"
                          f"{i + day},0.{(i + day) % 97},{date}T00:00:00Z\n")


def serve(host, work, name, url, serving_only=True):
    port = bench_api.free_port()
    config = os.path.join(work, f"{name}-serve.yaml")
    # An earlier build knows no `schedules`: its start-up run of the missing file fails, harmlessly.
    schedules = ", schedules: false" if serving_only else ""
    with open(config, "w") as out:
        out.write(f"store: {{type: postgres, url: \"{url}\"}}\n"
                  f"server: {{host: 127.0.0.1, port: {port}, cache_mib: 0{schedules}}}\n"
                  "pipelines:\n  - {name: bench, source: {type: csv, path: none.csv}}\n")
    process = subprocess.Popen([host, "run", config], cwd=work, env=dict(os.environ, LOG_LEVEL="warning"),
                               stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, f"{name}-serve.log"), "w"))
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            with urllib.request.urlopen(base + "/health", timeout=5):
                return process, base
        except OSError:
            time.sleep(0.5)
    process.terminate()
    sys.exit(f"bench_scale.py: the host did not start; see {work}")


def timed_sql(bin_dir, url, sql):
    seconds, _, result = bench.timed([os.path.join(bin_dir, "psql"), url, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql])
    return seconds, result.stdout.strip()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickers", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=1_000)
    parser.add_argument("--small-days", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=10_000)
    parser.add_argument("--duration", default="10s")
    parser.add_argument("--host", default=os.path.join(ROOT, ".build-release/release/host"))
    parser.add_argument("--baseline", help="an earlier host binary (unpartitioned history) to load the small file too")
    args = parser.parse_args()

    server_url = os.environ["TEST_DATABASE_URL"]
    bin_dir = os.environ["PG_BIN"]
    work = tempfile.mkdtemp(prefix="etl-scale-")
    small, large = os.path.join(work, "small.csv"), os.path.join(work, "large.csv")
    generate(small, args.tickers, args.small_days)
    generate(large, args.tickers, args.days)
    script = os.path.join(work, "weeks.lua")
    with open(script, "w") as out:
        out.write(LUA)
    epoch = int(datetime.datetime(START.year, START.month, START.day, tzinfo=datetime.timezone.utc).timestamp())

    loads = []  # (label, rows, seconds, peak MiB)
    databases = {}
    runs = [("small", args.host, small, args.tickers * args.small_days, "partitioned")]
    if args.baseline:
        runs.append(("base", args.baseline, small, args.tickers * args.small_days, "unpartitioned (baseline build)"))
    runs.append(("large", args.host, large, args.tickers * args.days, "partitioned"))
    for name, host, csv, rows, layout in runs:
        url = bench.fresh_database(bin_dir, server_url, f"scale_{name}")
        seconds, peak = bench_shapes.host_load(host, work, name, url, csv, args.batch_size)
        loads.append((f"{rows:,} rows, {layout}", rows, seconds, peak / 1024))
        databases[name] = url
        bench.psql(bin_dir, url, "-c", "VACUUM (ANALYZE)")

    print(f"{args.tickers:,} tickers, daily observations from {START}; batch_size {args.batch_size:,}; "
          "one release host; PostgreSQL 15 on the same 2 cores")
    print()
    print("| load | seconds | rows/s | ratio to the first row's rate | peak RSS so far MiB |")
    print("|---|---:|---:|---:|---:|")
    base_rate = loads[0][1] / loads[0][2]
    for label, rows, seconds, peak in loads:
        print(f"| {label} | {seconds:.1f} | {rows / seconds:,.0f} | {rows / seconds / base_rate:.2f} | {peak:.0f} |")
    print()

    print(f"| `/data/{{t}}/history`, one random week, cache off (wrk -t2 -c32 -d{args.duration}) | req/s | p50 ms | p99 ms | non-2xx |")
    print("|---|---:|---:|---:|---:|")
    for name, days in [("small", args.small_days), ("base", args.small_days), ("large", args.days)]:
        if name not in databases:
            continue
        process, base = serve(args.host if name != "base" else args.baseline, work, name, databases[name], name != "base")
        try:
            rate, p50, p99, errors = bench_api.wrk(base, args.duration, script, (str(args.tickers), str(days), str(epoch)))
        finally:
            process.terminate()
            process.wait()
        small_rows = f"{args.tickers * args.small_days:,} rows"
        label = {"small": f"{small_rows}, partitioned", "base": f"{small_rows}, unpartitioned (baseline build)",
                 "large": f"{args.tickers * args.days:,} rows, partitioned"}[name]
        print(f"| {label} | {rate:,.0f} | {p50:.2f} | {p99:.2f} | {errors} |")
    print()

    url = databases["large"]
    second = START.replace(month=2).isoformat()
    third = START.replace(month=3).isoformat()
    print(f"| retention at {args.tickers * args.days:,} rows | rows | seconds |")
    print("|---|---:|---:|")
    for table in ("observations", "raw_records"):
        _, rows = timed_sql(bin_dir, url, f"SELECT count(*) FROM {table}_{START.year}_01")
        seconds, _ = timed_sql(bin_dir, url, f"SELECT count(*) FROM etl_drop_month_partitions('{table}', '{second}')")
        print(f"| drop the partition of {START.year}-01 ({table}) | {int(rows):,} | {seconds:.3f} |")
        seconds, deleted = timed_sql(bin_dir, url, f"WITH d AS (DELETE FROM {table} WHERE observed_at >= '{second}' "
                                                   f"AND observed_at < '{third}' RETURNING 1) SELECT count(*) FROM d")
        print(f"| DELETE the rows of {START.year}-02 ({table}) | {int(deleted):,} | {seconds:.3f} |")
    subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
