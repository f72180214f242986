#!/usr/bin/env python3
"""Prints the peers table (peer, version, µs/request, ratio to
oauth1-doctor, how many signatures agree with oauth1-doctor's) and, for each
peer, the requests on which its signature differs from oauth1-doctor's,
grouped by the RFC 5849 corners each request exercises."""
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
    all_names = [n for n, _ in pairs] + [p.split("=", 1)[0] for p in r["body"].split("&") if p]
    if len(set(all_names)) < len(all_names):
        found.append("a repeated name (§3.4.1.3.2)")
    if "+" in r["body"]:
        found.append("'+' in the body (§3.4.1.3.1)")
    return found or ["none of the known corners"]


def main():
    requests_path, timings_path, *signers = sys.argv[1:]
    with open(requests_path, encoding="utf-8") as f:
        requests = [json.loads(line) for line in f]
    with open(timings_path, encoding="utf-8") as f:
        timings = [json.loads(line) for line in f]
    sigs = {}
    for spec in signers:
        name, path = spec.split("=", 1)
        with open(path, encoding="utf-8") as f:
            sigs[name] = f.read().splitlines()
        if len(sigs[name]) != len(requests):
            print(f"{name}: {len(sigs[name])} signatures for {len(requests)} requests")
            sys.exit(1)
    ours_sigs = sigs["oauth1-doctor"]
    agree = {n: sum(a == b for a, b in zip(v, ours_sigs)) for n, v in sigs.items()}
    # The oauth1-doctor rows are all checked equal by peers_sign itself.
    sig_name = lambda signer: "oauth1-doctor" if signer.startswith("oauth1-doctor") else signer
    ours = next(t for t in timings if t["signer"].startswith("oauth1-doctor"))
    ours_us = 1e6 * ours["seconds"] / ours["requests"]

    print()
    print(f"| peer | version | µs/request (best pass) | × oauth1-doctor's time | agrees with oauth1-doctor |")
    print("|---|---|---:|---:|---:|")
    for t in timings:
        us = 1e6 * t["seconds"] / t["requests"]
        print(f"| {t['signer']} | {t.get('version', '?')} | {us:.2f} | {us / ours_us:.2f} | "
              f"{agree.get(sig_name(t['signer']), 0):,} / {len(requests):,} |")
    print()
    print(f"(ratio: the row's time per request over {ours['signer']}'s, {ours_us:.2f} µs)")

    for name, values in sigs.items():
        if name == "oauth1-doctor":
            continue
        groups = collections.defaultdict(list)
        for i, r in enumerate(requests):
            if values[i] != ours_sigs[i]:
                for corner in corners(r):
                    groups[corner].append(i)
        print()
        if not groups:
            print(f"{name}: agrees with oauth1-doctor on all {len(requests):,} requests")
            continue
        print(f"{name}: differs from oauth1-doctor on {len(requests) - agree[name]:,} requests, "
              "each under every corner it exercises (counts overlap)")
        for tag, cases in sorted(groups.items(), key=lambda g: -len(g[1])):
            i = cases[0]
            r = requests[i]
            print(f"  {tag}: {len(cases)} requests, e.g. #{i} {r['method']} {r['url']}"
                  + (f" body {r['body']}" if r["body"] else ""))
            print(f"      oauth1-doctor {ours_sigs[i]}  {name} {values[i]}")

if __name__ == "__main__":
    main()
