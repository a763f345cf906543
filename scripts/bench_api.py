#!/usr/bin/env python3
"""API benchmark: loads N unified records (default 100,000), starts the release host serving on
loopback, and drives `wrk -t2 -c32 --latency` at it. Prints req/s, p50 and p99 per workload.

Two hosts serve the same database: one with the response cache (cache hits: the same URL over and
over), one with `cache_mib: 0` (every answer read from the database: the cold rows). The cold
workloads pick random keys with a Lua script: a random ticker, a random offset across the whole
range, a random keyset cursor, a random ticker's history, and a mix of ticker, offset and history
requests. Run it through scripts/bench.sh --api.
"""
import argparse
import base64
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Each wrk thread draws its own random keys (seeded by thread number and time): scripts that pick
# random keys start with this and call seed() first in their init(args).
LUA_THREADS = r"""
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function seed() math.randomseed(os.time() * 1000 + tid) end
"""

LUA = LUA_THREADS + r"""
function init(args)
  seed()
  records = tonumber(args[1])
  mode = args[2]
  cursors = {}
  if args[3] then
    for line in io.lines(args[3]) do cursors[#cursors + 1] = line end
  end
end
local function ticker() return string.format("T%06d", math.random(0, records - 1)) end
local function pick(kind)
  if kind == "ticker" then return "/data?ticker=" .. ticker() end
  if kind == "offset" then return "/data?limit=50&offset=" .. math.random(0, records - 50) end
  if kind == "cursor" then return "/data?limit=50&cursor=" .. cursors[math.random(1, #cursors)] end
  if kind == "history" then return "/data/" .. ticker() .. "/history" end
  local kinds = {"ticker", "offset", "history"}
  return pick(kinds[math.random(1, 3)])
end
function request()
  return wrk.format("GET", pick(mode))
end
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(output, which):
    match = re.search(rf"^\s+{which}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
    if not match:
        sys.exit(f"cannot read the {which}th percentile from wrk:\n{output}")
    value, unit = match.groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def cursor(ticker):
    return base64.urlsafe_b64encode(("k1:" + ticker).encode()).decode().rstrip("=")


def start_host(host, work, name, database_url, cache_mib, records, wait_for_load):
    port = free_port()
    config = os.path.join(work, f"{name}.yaml")
    with open(config, "w") as out:
        out.write("store: {type: postgres, url: \"${DATABASE_URL}\"}\n"
                  f"server: {{host: 127.0.0.1, port: {port}, cache_mib: {cache_mib}}}\n"
                  "pipelines:\n  - {name: csv, source: {type: csv, path: records.csv}}\n")
    env = dict(os.environ, DATABASE_URL=database_url, LOG_LEVEL="warning")
    process = subprocess.Popen([host, "run", config], cwd=work, env=env, stdout=subprocess.DEVNULL,
                               stderr=open(os.path.join(work, f"{name}.log"), "w"))
    base = f"http://127.0.0.1:{port}"
    for _ in range(1200):  # until it answers (and, for the first host, has loaded everything)
        try:
            with urllib.request.urlopen(base + "/stats", timeout=5) as response:
                if not wait_for_load or b'"total_normalized":%d' % records in response.read():
                    return process, base
        except OSError:
            pass
        time.sleep(0.5)
    process.terminate()
    sys.exit(f"the host {name} did not get ready in time; see {work}")


def run_wrk(url, duration, script=None, args=(), headers=()):
    """wrk -t2 -c32 --latency for `duration` (say "10s"), with a Lua script and its arguments; its output."""
    command = ["wrk", "-t2", "-c32", f"-d{duration}", "--latency"]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", script, url, "--", *args]
    else:
        command.append(url)
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def wrk(url, duration, script=None, args=(), headers=()):
    result = run_wrk(url, duration, script, args, headers)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", result).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result)
    return rate, percentile(result, 50), percentile(result, 99), int(errors.group(1)) if errors else 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--host", default=os.path.join(ROOT, ".build-release/release/host"))
    parser.add_argument("--duration", default="10s")
    parser.add_argument("--cold-cache-mib", type=int, default=0, help="cache_mib of the cold host (0: no response cache)")
    parser.add_argument("--no-vacuum", action="store_true",
                        help="measure right after the load, while autovacuum may still be at work on the new tables")
    args = parser.parse_args()

    server_url = os.environ["TEST_DATABASE_URL"]
    bin_dir = os.environ["PG_BIN"]
    work = tempfile.mkdtemp(prefix="etl-bench-api-")
    with open(os.path.join(work, "records.csv"), "w") as out:
        out.write("symbol,name,price_usd,market_cap_usd,volume_24h_usd,percent_change_24h,created_at\n")
        for i in range(args.records):
            out.write(f"T{i:06d},Token {i},{1 + i % 997}.{i % 10000:04d},{10_000_000 + i},{i},0.{i % 97},2025-12-10T12:00:00Z\n")
    random.seed(7)
    cursors = os.path.join(work, "cursors.txt")
    with open(cursors, "w") as out:
        for _ in range(10_000):
            out.write(cursor(f"T{random.randrange(args.records - 50):06d}") + "\n")
    script = os.path.join(work, "random.lua")
    with open(script, "w") as out:
        out.write(LUA)
    subprocess.run([os.path.join(bin_dir, "psql"), server_url, "-qAt", "-c", "DROP DATABASE IF EXISTS bench_api",
                    "-c", "CREATE DATABASE bench_api"], check=True, capture_output=True)
    parts = urllib.parse.urlsplit(server_url)
    database_url = urllib.parse.urlunsplit(parts._replace(path="/bench_api"))
    cached, cached_base = start_host(args.host, work, "cached", database_url, 64, args.records, True)
    cold, cold_base = start_host(args.host, work, "cold", database_url, args.cold_cache_mib, args.records, False)
    if not args.no_vacuum:
        # The steady state a serving database reaches: what autovacuum would do to the freshly loaded
        # tables (visibility map, hint bits, statistics), done now instead of during the first workloads.
        subprocess.run([os.path.join(bin_dir, "psql"), database_url, "-qAt", "-c", "VACUUM (ANALYZE)"],
                       check=True, capture_output=True)
    try:
        print(f"unified records: {args.records:,}  wrk -t2 -c32 -d{args.duration} --latency  "
              "(2 cores shared by wrk, host, PostgreSQL)"
              + ("" if args.no_vacuum else "  after VACUUM (ANALYZE) of the loaded database"))
        print()
        print("| workload | cache | req/s | p50 ms | p99 ms | non-2xx |")
        print("|---|---|---:|---:|---:|---:|")
        gzip = ("Accept-Encoding: gzip",)
        rows = [
            ("/data?limit=50 (one URL)", "hits", cached_base + "/data?limit=50", None),
            ("/data?limit=200 (one URL)", "hits", cached_base + "/data?limit=200", None),
            ("/data?limit=200 (one URL), gzip", "hits", cached_base + "/data?limit=200", None, gzip),
            ("/data?ticker=T004242 (one URL)", "hits", cached_base + "/data?ticker=T004242", None),
            ("/health", "hits", cached_base + "/health", None),
            ("/stats", "hits", cached_base + "/stats", None),
            ("/data?ticker= random", "off", cold_base, ("ticker",)),
            ("/data?limit=50&offset= random over the whole range", "off", cold_base, ("offset",)),
            ("/data?limit=50&cursor= random (keyset)", "off", cold_base, ("cursor", cursors)),
            ("/data/{ticker}/history random", "off", cold_base, ("history",)),
            ("mix: random ticker, offset and history requests", "off", cold_base, ("mix",)),
        ]
        for name, cache, url, lua, *headers in rows:
            headers = headers[0] if headers else ()
            if lua:
                rate, p50, p99, errors = wrk(url, args.duration, script, (str(args.records), *lua), headers)
            else:
                rate, p50, p99, errors = wrk(url, args.duration, headers=headers)
            print(f"| {name} | {cache} | {rate:,.0f} | {p50:.2f} | {p99:.2f} | {errors} |")
        print()
        print("| answer | bytes | bytes with gzip | saved |")
        print("|---|---:|---:|---:|")
        for path in ("/data?limit=50", "/data?limit=200", "/openapi.json", "/metrics"):
            plain = len(urllib.request.urlopen(cached_base + path).read())
            request = urllib.request.Request(cached_base + path, headers={"Accept-Encoding": "gzip"})
            compressed = len(urllib.request.urlopen(request).read())
            print(f"| {path} | {plain:,} | {compressed:,} | {1 - compressed / plain:.0%} |")
    finally:
        for process in (cached, cold):
            process.terminate()
            process.wait(timeout=30)
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
