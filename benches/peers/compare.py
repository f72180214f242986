#!/usr/bin/env python3
"""Prints the peers table (requests/s, ratio to oauth1-doctor) and the
requests on which the signers' signatures disagree, grouped by the RFC 5849
corners each request exercises and by which signer stands alone."""
import collections
import json
import sys


def corners(r):
    """The RFC 5849 rules a request puts to the test, read from the request
    itself, so that a disagreement can be pinned on one of them."""
    scheme, rest = r["url"].split("://", 1)
    authority = rest.split("/", 1)[0]
    query = rest.split("?", 1)[1] if "?" in rest else ""
    names = lambda form: {p.split("=", 1)[0] for p in form.split("&") if p}
    found = []
    if authority != authority.lower():
        found.append("upper-case host (§3.4.1.2)")
    if authority.endswith(":443") and scheme == "https" or authority.endswith(":80") and scheme == "http":
        found.append("default port written (§3.4.1.2)")
    if "+" in query:
        found.append("'+' in the query (§3.4.1.3.1)")
    pairs = [(p.split("=", 1) + [""])[:2] for p in query.split("&") if p]
    repeated = {n for n, _ in pairs if sum(1 for m, _ in pairs if m == n) > 1}
    if any(n in repeated and v == "" for n, v in pairs):
        found.append("a repeated name with an empty value (§3.4.1.3.2)")
    if names(query) & names(r["body"]):
        found.append("a name in both query and body (§3.4.1.3.1)")
    return ", ".join(found) or "none of the known corners"


def main():
    requests_path, timings_path, *signers = sys.argv[1:]
    with open(requests_path, encoding="utf-8") as f:
        requests = [json.loads(line) for line in f]
    with open(timings_path, encoding="utf-8") as f:
        timings = [json.loads(line) for line in f]
    ours = next(t for t in timings if t["signer"].startswith("oauth1-doctor"))
    ours_rate = ours["requests"] / ours["seconds"]

    print()
    print(f"| signer | requests | seconds (best pass) | requests/s | µs/request | oauth1-doctor is × faster |")
    print("|---|---:|---:|---:|---:|---:|")
    for t in timings:
        rate = t["requests"] / t["seconds"]
        print(f"| {t['signer']} | {t['requests']} | {t['seconds']:.4f} | {rate:,.0f} | "
              f"{1e6 / rate:.2f} | {ours_rate / rate:.1f} |")

    sigs = {}
    for spec in signers:
        name, path = spec.split("=", 1)
        with open(path, encoding="utf-8") as f:
            sigs[name] = f.read().splitlines()
    names = list(sigs)
    for name in names:
        if len(sigs[name]) != len(requests):
            print(f"\n{name}: {len(sigs[name])} signatures for {len(requests)} requests")
            sys.exit(1)
    disagreements = collections.defaultdict(list)
    for i, r in enumerate(requests):
        values = {n: sigs[n][i] for n in names}
        if len(set(values.values())) > 1:
            # Who stands alone against the other two?
            counts = collections.Counter(values.values())
            odd = [n for n, v in values.items() if counts[v] == 1]
            key = (corners(r), ",".join(odd) if len(odd) == 1 else "all differ")
            disagreements[key].append((i, r, values))
    print()
    if not disagreements:
        print(f"signatures: all {len(names)} signers agree on all {len(requests)} requests")
        return
    total = sum(len(v) for v in disagreements.values())
    print(f"signatures: {total} of {len(requests)} requests differ")
    for (tag, odd), cases in sorted(disagreements.items()):
        print(f"  {tag}: {len(cases)} requests, odd one out: {odd}")
        for i, r, values in cases[:2]:
            print(f"    #{i} {r['method']} {r['url']}" + (f" body {r['body']}" if r["body"] else ""))
            for n, v in values.items():
                print(f"      {n:14} {v}")


if __name__ == "__main__":
    main()
