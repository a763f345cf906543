#!/usr/bin/env python3
"""The many-hosts topology under load (run it through scripts/cluster.sh, which starts PostgreSQL).

Two `host run` processes share a PostgreSQL primary and read from its streaming replica: host A runs
the schedules, host B only serves (`server.schedules: false`). nginx (deploy/nginx.conf) balances
them. wrk drives a mix of random reads (a ticker, a page at a random offset, a ticker's history)
four times: at a third host that reads from the primary only, at host B directly, through nginx,
and through nginx while host A is killed (SIGKILL) and restarted. Prints one table; exits 1 if any request through nginx failed.
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import bench_api

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

LUA = bench_api.LUA_THREADS + r"""
function init(args)
  seed()
  records = tonumber(args[1])
end
local function ticker() return string.format("T%06d", math.random(0, records - 1)) end
function request()
  local kind = math.random(1, 3)
  if kind == 1 then return wrk.format("GET", "/data?ticker=" .. ticker()) end
  if kind == 2 then return wrk.format("GET", "/data?limit=50&offset=" .. math.random(0, records - 50)) end
  return wrk.format("GET", "/data/" .. ticker() .. "/history")
end
"""


def get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.loads(response.read())


def wait_for(what, condition, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit(f"cluster.py: {what} did not happen within {seconds} s")


class Host:
    def __init__(self, binary, work, name, port, schedules, replica=True):
        self.binary, self.work, self.name, self.port = binary, work, name, port
        self.config = os.path.join(work, f"{name}.yaml")
        with open(self.config, "w") as out:
            out.write(
                "store:\n"
                "  url: ${DATABASE_URL}\n"
                + ("  read_urls: [\"${READ_URL}\"]\n  max_lag: 5s\n" if replica else "") +
                f"server: {{host: 127.0.0.1, port: {port}, schedules: {'true' if schedules else 'false'}}}\n"
                "pipelines:\n"
                "  - {name: csv, source: {type: csv, path: records.csv}, batch_size: 10000, schedule: {every: 1m}}\n")
        self.process = None

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        env = dict(os.environ, DATABASE_URL=os.environ["PRIMARY_URL"], READ_URL=os.environ["REPLICA_URL"], LOG_LEVEL="warning")
        log = open(os.path.join(self.work, f"{self.name}.log"), "a")
        self.process = subprocess.Popen([self.binary, "run", self.config], cwd=self.work, env=env,
                                        stdout=subprocess.DEVNULL, stderr=log)
        started = time.monotonic()
        wait_for(f"host {self.name} answering", lambda: get(self.base + "/health")["database"] == "connected", 120)
        return time.monotonic() - started

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


def wrk(url, duration, script, records):
    result = bench_api.run_wrk(url, f"{duration}s", script, (str(records),))
    requests = int(re.search(r"(\d+) requests in", result).group(1))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", result).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", result)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", result)
    socket_errors = sum(int(n) for n in sockets.groups()) if sockets else 0
    return {"requests": requests, "rate": rate, "p50": bench_api.percentile(result, 50), "p99": bench_api.percentile(result, 99),
            "non2xx": int(non2xx.group(1)) if non2xx else 0, "socket": socket_errors}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", required=True)
    parser.add_argument("--duration", type=int, default=20, help="seconds of each wrk run")
    parser.add_argument("--records", type=int, default=20_000, help="tickers loaded, five observations each")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, configs)")
    args = parser.parse_args()

    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    work = tempfile.mkdtemp(prefix="etl-cluster-")
    os.chmod(work, 0o755)
    with open(os.path.join(work, "records.csv"), "w") as out:
        out.write("symbol,name,price_usd,market_cap_usd,volume_24h_usd,percent_change_24h,created_at\n")
        for day in range(1, 6):
            for i in range(args.records):
                out.write(f"T{i:06d},Token {i},{1 + i % 997}.{day}{i % 1000:03d},{10_000_000 + i},{i},0.{i % 97},"
                          f"2025-12-0{day}T12:00:00Z\n")
    script = os.path.join(work, "mix.lua")
    with open(script, "w") as out:
        out.write(LUA)

    a = Host(args.host, work, "a", bench_api.free_port(), schedules=True)
    b = Host(args.host, work, "b", bench_api.free_port(), schedules=False)
    proxy_port = bench_api.free_port()
    nginx_process = None
    try:
        a.start()
        wait_for("the load of host A", lambda: get(a.base + "/stats")["total_normalized"] == args.records, 600)
        # The steady state autovacuum reaches (visibility map, hint bits, statistics), replicated too:
        # a standby cannot write hint bits, so unvacuumed rows cost it a commit-log check each.
        subprocess.run([os.path.join(os.environ["PG_BIN"], "psql"), os.environ["PRIMARY_URL"], "-qAt", "-c", "VACUUM (ANALYZE)"],
                       check=True, capture_output=True)
        b.start()
        for host in (a, b):
            wait_for(f"host {host.name} reading from the replica",
                     lambda: get(host.base + "/health")["replicas"][0]["state"] == "ok", 60)

        with open(os.path.join(ROOT, "deploy/nginx.conf")) as template:
            config = template.read()
        upstreams = "".join(f"        server 127.0.0.1:{h.port} max_fails=1 fail_timeout=2s;\n" for h in (a, b))
        config = (config.replace("@PREFIX@", work).replace("@LISTEN@", f"127.0.0.1:{proxy_port}")
                  .replace("@UPSTREAMS@\n", upstreams))
        if os.getuid() == 0:
            config = "user nobody nogroup;\n" + config
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            os.makedirs(os.path.join(work, name), mode=0o777, exist_ok=True)
            os.chmod(os.path.join(work, name), 0o777)
        with open(os.path.join(work, "nginx.conf"), "w") as out:
            out.write(config)
        nginx_process = subprocess.Popen([nginx, "-p", work, "-c", os.path.join(work, "nginx.conf"), "-g", "daemon off;"],
                                         stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "nginx.log"), "w"))
        proxy = f"http://127.0.0.1:{proxy_port}"
        wait_for("nginx answering", lambda: get(proxy + "/health")["database"] == "connected", 30)

        # The same reads from a serving host without the replica, side by side.
        c = Host(args.host, work, "c", bench_api.free_port(), schedules=False, replica=False)
        c.start()
        rows = [("host C directly, reading from the primary (no replica)", wrk(c.base, args.duration, script, args.records))]
        c.stop()
        rows.append(("host B directly, reading from the replica", wrk(b.base, args.duration, script, args.records)))
        rows.append(("nginx, hosts A and B", wrk(proxy, args.duration, script, args.records)))
        events = []

        def chaos():
            time.sleep(args.duration / 3)
            a.kill()
            events.append(f"host A killed (SIGKILL) at {args.duration / 3:.0f} s")
            time.sleep(args.duration / 3)
            took = a.start()
            events.append(f"host A restarted at {2 * args.duration / 3:.0f} s, answering after {took:.1f} s")

        killer = threading.Thread(target=chaos)
        killer.start()
        rows.append(("nginx, host A killed and restarted", wrk(proxy, args.duration, script, args.records)))
        killer.join()

        print(f"tickers: {args.records:,} (5 observations each)  wrk -t2 -c32 -d{args.duration}s, a mix of random "
              "/data?ticker=, /data?limit=50&offset= and /data/{t}/history; 2 cores shared by everything")
        print()
        print("| run | requests | req/s | p50 ms | p99 ms | non-2xx | socket errors |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for name, r in rows:
            print(f"| {name} | {r['requests']:,} | {r['rate']:,.0f} | {r['p50']:.2f} | {r['p99']:.2f} | "
                  f"{r['non2xx']} | {r['socket']} |")
        print()
        for event in events:
            print("- " + event)
        for host in (a, b):
            replica = get(host.base + "/health")["replicas"][0]
            print(f"- host {host.name}: replica {replica['state']}, {replica['reads']:,} reads served by it "
                  f"since its start, lag {replica['lag_seconds']} s")
        failed = sum(r["non2xx"] + r["socket"] for name, r in rows[2:])
        print(f"- failed requests through nginx: {failed}")
        return 1 if failed else 0
    finally:
        if nginx_process:
            nginx_process.terminate()
            nginx_process.wait()
        for host in (a, b):
            host.stop()
        if args.keep:
            print(f"work directory: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
