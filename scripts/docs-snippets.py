#!/usr/bin/env python3
"""Copies code regions that compile into the DocC articles, so that no article's code is retyped.

A region is marked in Swift source (the external example, the tests) as
    // snippet: NAME
    ...
    // end-snippet
and placed in an article as
    <!-- snippet: NAME -->
    <!-- end-snippet -->
Usage: scripts/docs-snippets.py          rewrites the articles
       scripts/docs-snippets.py --check  exits 1 when an article differs from its regions
"""
import pathlib
import re
import sys
import textwrap

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "examples", ROOT / "Tests", ROOT / "Sources"]
ARTICLES = ROOT / "Sources" / "ETLFramework" / "ETLFramework.docc"
REGION = re.compile(r"^[ \t]*// snippet: (\S+)\n(.*?)^[ \t]*// end-snippet\n", re.S | re.M)
PLACE = re.compile(r"<!-- snippet: (\S+) -->\n.*?<!-- end-snippet -->", re.S)


def regions():
    found = {}
    for base in SOURCES:
        for path in sorted(base.rglob("*.swift")):
            if ".build" in path.parts:
                continue
            for name, body in REGION.findall(path.read_text()):
                if name in found:
                    sys.exit(f"snippet {name} is marked twice: {found[name][1]} and {path}")
                found[name] = (textwrap.dedent(body).rstrip() + "\n", path.relative_to(ROOT))
    return found


def main():
    check = "--check" in sys.argv[1:]
    snippets = regions()
    stale = []
    for article in sorted(ARTICLES.glob("*.md")):
        text = article.read_text()

        def fill(match):
            name = match.group(1)
            if name not in snippets:
                sys.exit(f"{article.relative_to(ROOT)}: no code region named {name}")
            code, source = snippets[name]
            return f"<!-- snippet: {name} -->\n```swift\n// {source}\n{code}```\n<!-- end-snippet -->"

        new = PLACE.sub(fill, text)
        if new != text:
            stale.append(article.relative_to(ROOT))
            if not check:
                article.write_text(new)
    if check and stale:
        print("articles out of date (run scripts/docs-snippets.py):", *stale, sep="\n  ")
        sys.exit(1)
    print(("checked" if check else "wrote"), len(list(ARTICLES.glob("*.md"))), "articles,", len(snippets), "snippets")


main()
