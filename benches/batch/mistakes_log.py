#!/usr/bin/env python3
"""Writes a JSON Lines log in which 1 request in EVERY carries a signer mistake.

    python3 benches/batch/mistakes_log.py COUNT LOG.jsonl SECRETS.toml [--every N] [--truth FILE]

The log has the shape of `examples/batch_log.rs` (HMAC-SHA1, 20 consumers,
100 tokens, a query, a form body on every third request, about 500 bytes a
line), but it is signed here, with Python's `hmac`, independently of
oauth1-doctor. Every EVERY-th request (default 100, so 1%) is a POST signed
with one mistake of oauth1-doctor's catalogue, in turn; the last in the
turn is a wrong consumer secret, which no mistake reproduces (the hunt's
worst case: every variant to the depth is tried). At the end the script
prints how many requests carry each mistake, on standard error, so that a
`verify --hunt` run can be compared with it; `--truth FILE` also writes
each such request's line number and mistake, as JSON Lines.

Used by README "Performance" (batch `--hunt` on a log with real mistakes)
and by tests/batch_hunt.rs (a small log). Deterministic.
"""

import base64
import hashlib
import hmac
import json
import re
import sys
from urllib.parse import quote

# In turn, one per invalid request; each is a catalogue id but the last.
MISTAKES = [
    "plus-for-space",
    "lowercase-hex",
    "double-encoded",
    "default-port-kept",
    "trailing-slash-added",
    "method-not-uppercased",
    "version-omitted",
    "key-token-secret-omitted",
    "query-kept-in-uri",
    "wrong-consumer-secret",
]


def enc(s):
    """RFC 5849 section 3.6: unreserved octets as they are, the rest %XX upper-case."""
    return quote(s, safe="-._~")


def consumer(i):
    return f"ck_{i:04}_4f1a9b2c3d4e5f6a7b", f"cs_{i:04}_9d8e7f6a5b4c3d2e1f0a"


def token(i):
    return (
        f"{i:05}-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
        f"ts_{i:05}_LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
    )


def signature(method, host, path, query, body, oauth, cs, ts, mistake):
    """RFC 5849 section 3.4 (HMAC-SHA1), except for MISTAKE."""
    # Section 3.4.1.1: the method, upper-cased.
    m = method.lower() if mistake == "method-not-uppercased" else method
    # Section 3.4.1.2: scheme and host lower-case, no default port, no query.
    uri = f"https://{host}{':443' if mistake == 'default-port-kept' else ''}{path}"
    if mistake == "trailing-slash-added":
        uri += "/"
    if mistake == "query-kept-in-uri":
        uri += "?" + "&".join(f"{n}={v}" for n, v in query)
    # Section 3.4.1.3: query, form body and protocol parameters, encoded, sorted.
    params = query + body + [
        (n, v) for n, v in oauth if not (mistake == "version-omitted" and n == "oauth_version")
    ]

    def encode(s):
        e = enc(s)
        if mistake == "plus-for-space":
            return e.replace("%20", "+")
        if mistake == "lowercase-hex":
            return re.sub("%[0-9A-F]{2}", lambda x: x.group(0).lower(), e)
        if mistake == "double-encoded":
            return enc(e)
        return e

    pairs = sorted((encode(n), encode(v)) for n, v in params)
    normalized = "&".join(f"{n}={v}" for n, v in pairs)
    base = f"{m}&{enc(uri)}&{enc(normalized)}"
    # Section 3.4.2: the key.
    if mistake == "key-token-secret-omitted":
        key = f"{enc(cs)}&"
    elif mistake == "wrong-consumer-secret":
        key = f"{enc(cs + 'x')}&{enc(ts)}"
    else:
        key = f"{enc(cs)}&{enc(ts)}"
    digest = hmac.new(key.encode(), base.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def main():
    args = sys.argv[1:]
    every, truth = 100, None
    if "--every" in args:
        i = args.index("--every")
        every = int(args[i + 1])
        del args[i : i + 2]
    if "--truth" in args:
        i = args.index("--truth")
        truth = open(args[i + 1], "w")
        del args[i : i + 2]
    if len(args) != 3:
        sys.exit(__doc__.strip().splitlines()[2].strip())
    count, log, secrets = int(args[0]), args[1], args[2]
    with open(secrets, "w") as f:
        f.write("[consumers]\n")
        for i in range(20):
            f.write('"%s" = "%s"\n' % consumer(i))
        f.write("[tokens]\n")
        for i in range(100):
            f.write('"%s" = "%s"\n' % token(i))
    tally = {}
    host, path = "api.example.com", "/1.1/statuses/update.json"
    with open(log, "w") as out:
        for n in range(count):
            ck, cs = consumer(n % 20)
            tk, ts = token(n % 100)
            mistake = None
            if n % every == every - 1:
                mistake = MISTAKES[(n // every) % len(MISTAKES)]
                tally[mistake] = tally.get(mistake, 0) + 1
                if truth:
                    truth.write(json.dumps({"line": n + 1, "mistake": mistake}) + "\n")
            post = n % 3 == 0 or mistake is not None
            query = [("include_entities", "true"), ("page", str(n % 50))]
            body = [("status", f"Hello Ladies + Gentlemen, request {n}!"), ("lang", "en")] if post else []
            oauth = [
                ("oauth_consumer_key", ck),
                ("oauth_nonce", f"kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgm{n:010}"),
                ("oauth_signature_method", "HMAC-SHA1"),
                ("oauth_timestamp", str(1_700_000_000 + n)),
                ("oauth_token", tk),
                ("oauth_version", "1.0"),
            ]
            method = "POST" if post else "GET"
            sig = signature(method, host, path, query, body, oauth, cs, ts, mistake)
            header = "OAuth " + ", ".join(
                f'{k}="{enc(v)}"' for k, v in oauth + [("oauth_signature", sig)]
            )
            line = {
                "method": method,
                "url": f"https://{host}{path}?" + "&".join(f"{k}={v}" for k, v in query),
                "headers": {"Authorization": header},
            }
            if post:
                line["headers"]["Content-Type"] = "application/x-www-form-urlencoded"
                line["body"] = "&".join(f"{enc(k)}={enc(v)}" for k, v in body)
            out.write(json.dumps(line, separators=(",", ":")))
            out.write("\n")
    if truth:
        truth.close()
    for mistake in MISTAKES:
        print(f"{mistake} {tally.get(mistake, 0)}", file=sys.stderr)


if __name__ == "__main__":
    main()
