#!/usr/bin/env python3
"""Writes requests.jsonl: the fixed set of 10,000 requests every signer in
run.sh signs. Deterministic (seeded), standard library only; run it again
only to change the set, and commit the result.

Each line is one request with everything needed to sign it:
  {"id", "tag", "method", "url", "body" (form-encoded or ""),
   "consumer_key", "consumer_secret", "token", "token_secret",
   "nonce", "timestamp"}
"tag" is "typical" for most requests, or names the RFC 5849 corner the
request exercises, so that a disagreement can be traced to its rule.
"""
import json
import random
import sys
from urllib.parse import quote

COUNT = 10_000
rng = random.Random(5849)

HOSTS = ["api.example.com", "api.twitter.com", "shop.example.org", "lti.example.edu"]
PATHS = ["1.1/statuses/update.json", "wp-json/wc/v3/orders", "rest/api/2/issue",
         "services/rest/record/v1/customer", "v2/items", "lti/launch"]
NAMES = ["status", "page", "count", "q", "include_entities", "fields", "screen_name",
         "order", "customer_id", "lang"]
VALUE_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~ !*'()&=+/,:;@$é☃"
ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def enc(s):
    """RFC 5849 §3.6 (the same as RFC 3986 unreserved)."""
    return quote(s, safe="-._~")


def text(chars, lo, hi):
    return "".join(rng.choice(chars) for _ in range(rng.randint(lo, hi)))


def pairs(n):
    return [(rng.choice(NAMES), text(VALUE_CHARS, 0, 24)) for _ in range(n)]


def form(ps, space="%20"):
    return "&".join(f"{enc(n)}={enc(v).replace('%20', space)}" for n, v in ps)


def request(i):
    tag = "typical"
    roll = rng.random()
    method = "POST" if rng.random() < 0.4 else "GET"
    scheme = "https" if rng.random() < 0.8 else "http"
    host = rng.choice(HOSTS)
    authority = host
    query = pairs(rng.randint(0, 4))
    body = pairs(rng.randint(1, 4)) if method == "POST" and rng.random() < 0.7 else []
    space = "%20"
    if roll < 0.01:
        tag = "default-port"  # RFC 5849 §3.4.1.2: dropped from the base string URI
        authority = host + (":443" if scheme == "https" else ":80")
    elif roll < 0.02:
        tag = "uppercase-host"  # RFC 5849 §3.4.1.2: host lower-cased
        authority = host.upper()
    elif roll < 0.03:
        tag = "plus-in-query"  # RFC 5849 §3.4.1.3.1: query is form-decoded, '+' is a space
        query = query + [("q", "a b c")]
        space = "+"
    elif roll < 0.04:
        tag = "duplicate-names"  # RFC 5849 §3.4.1.3.2: equal names sorted by value
        query = query + [("dup", "b"), ("dup", "a"), ("dup", "")]
    elif roll < 0.05:
        tag = "empty-value"  # RFC 5849 §3.4.1.3.2: empty values kept
        query = query + [("flag", "")]
    url = f"{scheme}://{authority}/{rng.choice(PATHS)}"
    if query:
        url += "?" + form(query, space)
    token = text(ALNUM, 20, 50) if rng.random() < 0.8 else ""
    return {
        "id": i,
        "tag": tag,
        "method": method,
        "url": url,
        "body": form(body),
        "consumer_key": text(ALNUM, 16, 25),
        "consumer_secret": text(ALNUM + "&+ %", 16, 43),
        "token": token,
        "token_secret": text(ALNUM, 20, 45) if token else "",
        "nonce": text(ALNUM, 32, 32),
        "timestamp": str(1_700_000_000 + i),
    }


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "requests.jsonl"
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        for i in range(COUNT):
            f.write(json.dumps(request(i), ensure_ascii=False, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
