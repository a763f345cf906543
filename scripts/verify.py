#!/usr/bin/env python3
"""The original spec's verification guide (steps 1, 2, 6, 7, 8, 10 and its quick script), run
against a live host:  scripts/verify.py http://127.0.0.1:8000

Prints one line per check and exits non-zero if any fails. Uses only the standard library.
"""
import json
import sys
import urllib.error
import urllib.request
from datetime import datetime

BASE = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8000"
failures = 0


def get(path, method="GET"):
    request = urllib.request.Request(BASE + path, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def check(ok, label):
    global failures
    print(("PASS " if ok else "FAIL ") + label)
    if not ok:
        failures += 1


def iso(text):
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
        return True
    except (TypeError, ValueError):
        return False


# Step 1: the system is running.
status, health = get("/health")
check(status == 200 and health["status"] == "ok", "1. /health status is ok")
check(health.get("database") == "connected", "1. database is connected")
check(health.get("last_etl_status") == "success", "1. last_etl_status is success")
check(iso(health.get("last_etl")) and iso(health.get("timestamp")), "1. last_etl and timestamp are ISO times")

# Step 2 and the quick script: one record per coin, id = ticker.
status, btc = get("/data?ticker=BTC")
check(status == 200 and btc["pagination"]["total"] == 1, "2. /data?ticker=BTC has exactly one record")
check(btc["data"] and btc["data"][0]["id"] == "BTC" and btc["data"][0]["ticker"] == "BTC", "2. its id is BTC")

# Step 6: every endpoint answers JSON, no 500.
for path, method in [("/", "GET"), ("/health", "GET"), ("/data?limit=5", "GET"), ("/data?ticker=BTC", "GET"),
                     ("/data?source=csv&limit=3", "GET"), ("/stats", "GET"), ("/trigger-etl", "POST")]:
    status, body = get(path, method)
    check(status < 500 and isinstance(body, dict), f"6. {method} {path} answers JSON ({status})")
status, page = get("/data?limit=5")
check(set(page) >= {"data", "pagination", "meta"} and set(page["pagination"]) >= {"limit", "offset", "returned", "total"}
      and set(page["meta"]) >= {"request_id", "api_latency_ms"}, "6. /data carries data, pagination and meta")

# Step 7: ETL statistics.
status, stats = get("/stats")
check(status == 200 and stats["total_normalized"] > 0, "7. total_normalized > 0")
check(stats["last_success"]["source"] is not None and iso(stats["last_success"]["finished_at"]), "7. last_success is recent")
check(stats["last_failure"]["source"] is None, "7. last_failure is null")

# Step 8: data quality.
status, sample = get("/data?limit=10")
records = sample["data"]
check(all(r["id"] == r["ticker"] for r in records), "8. every id equals its ticker")
check(all(isinstance(r["price_usd"], (int, float)) and r["price_usd"] > 0 for r in records), "8. prices are positive numbers")
check(all(iso(r["created_at"]) and iso(r["ingested_at"]) for r in records), "8. created_at and ingested_at are ISO times")
check(len({r["ticker"] for r in records}) == len(records), "8. no duplicate tickers")

# Step 10: several sources for one coin merge into one record.
status, merged = get("/data?ticker=BTC")
source = merged["data"][0]["source"] if merged["data"] else None
check(merged["pagination"]["total"] == 1 and source is not None, f"10. BTC is one record, from source {source}")
status, same = get(f"/data?ticker=BTC&source={source}")
check(same["pagination"]["total"] == 1, "10. filtering BTC by its source finds it")

print(f"{failures} failed")
sys.exit(1 if failures else 0)
