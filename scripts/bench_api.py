#!/usr/bin/env python3
"""API benchmark: loads N unified records (default 100,000), starts the release host serving on
loopback, and drives `wrk -t2 -c32 -d10s --latency` at /data?limit=50, /data?ticker=X, /health and
/stats. Prints req/s, p50 and p99 per endpoint. Run it through scripts/bench.sh --api.
"""
import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--host", default=os.path.join(ROOT, ".build-release/release/host"))
    parser.add_argument("--duration", default="10s")
    args = parser.parse_args()

    server_url = os.environ["TEST_DATABASE_URL"]
    bin_dir = os.environ["PG_BIN"]
    work = tempfile.mkdtemp(prefix="etl-bench-api-")
    with open(os.path.join(work, "records.csv"), "w") as out:
        out.write("symbol,name,price_usd,market_cap_usd,volume_24h_usd,percent_change_24h,created_at\n")
        for i in range(args.records):
            out.write(f"T{i},Token {i},{1 + i % 997}.{i % 10000:04d},{10_000_000 + i},{i},0.{i % 97},2025-12-10T12:00:00Z\n")
    subprocess.run([os.path.join(bin_dir, "psql"), server_url, "-qAt", "-c", "DROP DATABASE IF EXISTS bench_api",
                    "-c", "CREATE DATABASE bench_api"], check=True, capture_output=True)
    parts = urllib.parse.urlsplit(server_url)
    database_url = urllib.parse.urlunsplit(parts._replace(path="/bench_api"))
    port = free_port()
    with open(os.path.join(work, "p.yaml"), "w") as config:
        config.write("store: {type: postgres, url: \"${DATABASE_URL}\"}\n"
                     f"server: {{host: 127.0.0.1, port: {port}}}\n"
                     "pipelines:\n  - {name: csv, source: {type: csv, path: records.csv}}\n")
    env = dict(os.environ, DATABASE_URL=database_url, LOG_LEVEL="warning")
    host = subprocess.Popen([args.host, "run", "p.yaml"], cwd=work, env=env, stdout=subprocess.DEVNULL,
                            stderr=open(os.path.join(work, "host.log"), "w"))
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # until the start-up run has loaded everything
            try:
                with urllib.request.urlopen(base + "/stats", timeout=5) as response:
                    if b'"total_normalized":%d' % args.records in response.read():
                        break
            except OSError:
                pass
            time.sleep(0.5)
        else:
            sys.exit("the host did not load the records in time; see " + work)

        print(f"unified records: {args.records:,}  wrk -t2 -c32 -d{args.duration} --latency  (2 cores shared by wrk, host, PostgreSQL)")
        print()
        print("| endpoint | req/s | p50 ms | p99 ms | non-2xx |")
        print("|---|---:|---:|---:|---:|")
        for path in ["/data?limit=50", "/data?ticker=T4242", "/health", "/stats"]:
            result = subprocess.run(["wrk", "-t2", "-c32", f"-d{args.duration}", "--latency", base + path],
                                    capture_output=True, text=True, check=True).stdout
            rate = float(re.search(r"Requests/sec:\s+([\d.]+)", result).group(1))
            p50 = percentile(result, 50)
            p99 = percentile(result, 99)
            errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result)
            print(f"| {path} | {rate:,.0f} | {p50:.2f} | {p99:.2f} | {errors.group(1) if errors else 0} |")
    finally:
        host.terminate()
        host.wait(timeout=30)
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
