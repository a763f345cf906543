#!/usr/bin/env python3
"""What traces and taps cost a load, side by side in one run.

Loads the same CSV file (ROWS rows over TICKERS tickers, three transform steps) into a fresh store,
ROUNDS times per scenario, the scenarios alternated within each round:

  once: no telemetry        `host run --once`, nothing configured (the baseline)
  once: live collector      spans sent to scripts/otlp_receiver.py on loopback
  once: dead collector      OTEL_EXPORTER_OTLP_ENDPOINT on a closed port (every export fails)
  served: no tap            a serving host, the run triggered over HTTP; time from trigger to end
  served: stalled tap       the same with a tap on the normalizer that never reads its socket
  served: reading tap       the same with a tap read to the end (curl -N to /dev/null)

PostgreSQL when TEST_DATABASE_URL and PG_BIN are set (a fresh database per load), else SQLite.
Prints one table: median, min and max seconds, and the median against the baseline of its kind.
"""
import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

import bench

ROOT = bench.ROOT
TRANSFORM = """    transform:
      - set: {mid: "price_usd * 1"}
      - filter: {where: "price_usd > 0"}
      - rename: {volume_24h_usd: volume}
      - normalize: {mapping: {volume_24h_usd: volume}}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def store_block(work, name):
    server, bin_dir = os.environ.get("TEST_DATABASE_URL"), os.environ.get("PG_BIN")
    if server and bin_dir:
        return f'{{type: postgres, url: "{bench.fresh_database(bin_dir, server, name)}"}}'
    path = os.path.join(work, f"{name}.sqlite")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    return f"{{type: sqlite, path: {path}}}"


def write_config(work, name, csv, port):
    config = os.path.join(work, f"{name}.yaml")
    with open(config, "w") as out:
        out.write(f"store: {store_block(work, 'bench_telemetry')}\n")
        out.write(f'server: {{host: 127.0.0.1, port: {port}, trigger_token: "bench-token", schedules: false}}\n')
        out.write(f"pipelines:\n  - name: bench\n    source: {{type: csv, path: {csv}}}\n    batch_size: 10000\n{TRANSFORM}")
    return config


def once(host, work, csv, env):
    config = write_config(work, "once", csv, free_port())
    seconds, _, _ = bench.timed([host, "run", config, "--once"], env=dict(os.environ, LOG_LEVEL="warning", **env), cwd=work)
    return seconds


def request(url, method="GET", headers=None):
    req = urllib.request.Request(url, method=method, headers=headers or {})
    with urllib.request.urlopen(req, timeout=30) as answer:
        return json.loads(answer.read() or b"{}")


def served(host, work, csv, tap):
    port = free_port()
    config = write_config(work, "served", csv, port)
    log = open(os.path.join(work, "served.log"), "w")
    process = subprocess.Popen([host, "run", config], env=dict(os.environ, LOG_LEVEL="warning"), cwd=work, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                request(base + "/health/live")
                break
            except OSError:
                time.sleep(0.1)
        reader = None
        stalled = None
        path = "/pipelines/bench/tap"
        if tap == "stalled":
            stalled = socket.create_connection(("127.0.0.1", port))
            stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            stalled.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nX-Scheduler-Token: bench-token\r\n\r\n".encode())
        elif tap == "reading":
            reader = subprocess.Popen(["curl", "-sN", "-H", "X-Scheduler-Token: bench-token", base + path],
                                      stdout=subprocess.DEVNULL)
        time.sleep(0.5)
        started = time.monotonic()
        answer = request(base + "/trigger-etl", "POST", {"X-Scheduler-Token": "bench-token"})
        run_id = answer["runs"][0]["run_id"]
        while True:
            run = request(f"{base}/runs/{run_id}")["data"]
            if run["status"] != "running":
                break
            time.sleep(0.02)
        seconds = time.monotonic() - started
        if run["status"] != "success":
            sys.exit(f"run {run_id} ended {run['status']}: {run.get('message')}")
        if reader:
            reader.terminate()
        if stalled:
            stalled.close()
        return seconds
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default=os.path.join(ROOT, ".build-release/release/host"))
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--tickers", type=int, default=3_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    args.host = os.path.abspath(args.host)
    with tempfile.TemporaryDirectory() as work:
        csv = os.path.join(work, "rows.csv")
        bench.generate(csv, args.rows, args.tickers)
        port_file, spans = os.path.join(work, "otlp.port"), os.path.join(work, "spans.jsonl")
        receiver = subprocess.Popen([sys.executable, os.path.join(ROOT, "scripts/otlp_receiver.py"), port_file, spans])
        for _ in range(100):
            if os.path.exists(port_file):
                break
            time.sleep(0.1)
        live = f"http://127.0.0.1:{open(port_file).read()}"
        dead = f"http://127.0.0.1:{free_port()}"
        scenarios = [
            ("once: no telemetry", lambda: once(args.host, work, csv, {})),
            ("once: live collector", lambda: once(args.host, work, csv, {"OTEL_EXPORTER_OTLP_ENDPOINT": live})),
            ("once: dead collector", lambda: once(args.host, work, csv, {"OTEL_EXPORTER_OTLP_ENDPOINT": dead})),
            ("served: no tap", lambda: served(args.host, work, csv, None)),
            ("served: stalled tap", lambda: served(args.host, work, csv, "stalled")),
            ("served: reading tap", lambda: served(args.host, work, csv, "reading")),
        ]
        times = {name: [] for name, _ in scenarios}
        try:
            for round_index in range(args.rounds):
                order = scenarios if round_index % 2 == 0 else list(reversed(scenarios))
                for name, run in order:
                    times[name].append(run())
                    print(f"round {round_index + 1}: {name}: {times[name][-1]:.2f} s", file=sys.stderr)
        finally:
            receiver.terminate()
        exported = sum(1 for _ in open(spans)) if os.path.exists(spans) else 0
    store = "PostgreSQL" if os.environ.get("TEST_DATABASE_URL") and os.environ.get("PG_BIN") else "SQLite"
    print(f"{args.rows:,} rows x {args.tickers:,} tickers, 3 steps, {store}, {args.rounds} rounds alternated; "
          f"spans received by the live collector: {exported:,}")
    print("| scenario | median s | min s | max s | median / baseline |")
    print("|---|---:|---:|---:|---:|")
    for name, _ in scenarios:
        values = times[name]
        baseline = statistics.median(times["once: no telemetry" if name.startswith("once") else "served: no tap"])
        print(f"| {name} | {statistics.median(values):.2f} | {min(values):.2f} | {max(values):.2f} | "
              f"{statistics.median(values) / baseline:.2f} |")


if __name__ == "__main__":
    main()
