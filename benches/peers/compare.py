#!/usr/bin/env python3
"""Prints the peers table (requests/s, ratio to oauth1-doctor) and every
request on which the signers' signatures disagree, grouped by the request
set's tag (the RFC 5849 corner the request exercises)."""
import collections
import json
import sys


def main():
    requests_path, timings_path, *signers = sys.argv[1:]
    with open(requests_path, encoding="utf-8") as f:
        requests = [json.loads(line) for line in f]
    with open(timings_path, encoding="utf-8") as f:
        timings = [json.loads(line) for line in f]
    ours = next(t for t in timings if t["signer"].startswith("oauth1-doctor"))
    ours_rate = ours["requests"] / ours["seconds"]

    print()
    print(f"| signer | requests | seconds (best of 3) | requests/s | µs/request | oauth1-doctor is × faster |")
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
            key = (r["tag"], ",".join(odd) if len(odd) == 1 else "all differ")
            disagreements[key].append((i, r, values))
    print()
    if not disagreements:
        print(f"signatures: all {len(names)} signers agree on all {len(requests)} requests")
        return
    total = sum(len(v) for v in disagreements.values())
    print(f"signatures: {total} of {len(requests)} requests differ")
    for (tag, odd), cases in sorted(disagreements.items()):
        print(f"  tag {tag}: {len(cases)} requests, odd one out: {odd}")
        for i, r, values in cases[:2]:
            print(f"    #{i} {r['method']} {r['url']}" + (f" body {r['body']}" if r["body"] else ""))
            for n, v in values.items():
                print(f"      {n:14} {v}")


if __name__ == "__main__":
    main()
