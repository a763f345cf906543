#!/usr/bin/env python3
"""Validates the example requests the docs give against the API's own OpenAPI document, with
openapi-core, as a client that checks its requests would: a form the docs promise that the document
refuses (or the reverse) fails here.

Usage: scripts/validate-requests.py     (needs `pip install openapi-core`)
"""
import json
import pathlib
import re
import sys
import urllib.parse

from openapi_core import OpenAPI
from openapi_core.testing import MockRequest

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOCUMENT = ROOT / "Sources" / "Server" / "Resources" / "openapi.json"
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# A request in a code span: `/data?ticker=BTC`, `curl http://127.0.0.1:8000/data/BTC`, and query
# fragments such as `start_date=2017-12-06&end_date=2017-12-06` (the /data filters).
PATH = re.compile(r"(?:https?://[0-9A-Za-z.\-]+(?::\d+)?)?(/(?:data|stats|health|runs|openapi\.json)[^\s`'\")]*)")
FRAGMENT = re.compile(r"`((?:start_date|end_date)=[^`\s]+)`")


def requests():
    found = set()
    for doc in DOCS:
        for span in re.findall(r"`([^`]+)`", doc.read_text()):
            for path in PATH.findall(span):
                if "{" in path or re.search(r"=(&|$)", path) or path.endswith("?"):
                    continue  # a template, not a request
                found.add((doc.name, path.rstrip(".,;")))
        for fragment in FRAGMENT.findall(doc.read_text()):
            found.add((doc.name, "/data?" + fragment))
    return sorted(found)


def main():
    api = OpenAPI.from_dict(json.loads(DOCUMENT.read_text()))
    failures = 0
    checked = requests()
    dated = [path for _, path in checked if "start_date=" in path or "end_date=" in path]
    for doc, path in checked:
        url = urllib.parse.urlsplit(path)
        request = MockRequest("http://127.0.0.1:8000", "get", url.path, args=dict(urllib.parse.parse_qsl(url.query)))
        try:
            api.validate_request(request)
        except Exception as error:  # openapi-core raises one error type per kind of mismatch
            failures += 1
            detail = "; ".join(str(e) for e in getattr(error, "schema_errors", []) or [error])
            print(f"{doc}: GET {path}: {type(error).__name__}: {detail}"[:400])
    print(f"validate-requests: {len(checked)} example requests from the docs ({len(dated)} with dates), {failures} refused by the document")
    if not dated:
        print("validate-requests: no dated example found; the extraction is broken")
        return 1
    return 1 if failures else 0


sys.exit(main())
