#!/usr/bin/env python3
"""Writes the hostile inputs of issue 11's "bounded cost" table into a folder.

    python3 benches/hostile/generate.py OUT_DIR

Every request is signed here, with Python's hmac and an RFC 5849
base string built by this script (not by oauth1-doctor), using the
consumer secret "cs" and the token secret "ts".  The hunt inputs are
signed with another secret on purpose, so hunt finds no match and
tries everything it may.
"""
import base64
import hashlib
import hmac
import os
import sys
from urllib.parse import quote

HOST = "api.example.com"
PATH = "/1/resource"
SECRETS = ("cs", "ts")
OAUTH = [
    ("oauth_consumer_key", "ck"),
    ("oauth_nonce", "n0nce"),
    ("oauth_signature_method", "HMAC-SHA1"),
    ("oauth_timestamp", "1700000000"),
    ("oauth_token", "tok"),
    ("oauth_version", "1.0"),
]


def enc(s):
    # RFC 5849 §3.6: unreserved characters stay, everything else is %XX.
    return quote(s, safe="-._~")


def base_string(method, uri, params):
    pairs = sorted((enc(n), enc(v)) for n, v in params)
    norm = "&".join(f"{n}={v}" for n, v in pairs)
    return f"{method}&{enc(uri)}&{enc(norm)}"


def sign(sbs, secrets=SECRETS):
    key = f"{enc(secrets[0])}&{enc(secrets[1])}".encode()
    return base64.b64encode(hmac.new(key, sbs.encode(), hashlib.sha1).digest()).decode()


def header(oauth, sig):
    items = oauth + [("oauth_signature", sig)]
    return "OAuth " + ", ".join(f'{n}="{enc(v)}"' for n, v in items)


def http_request(method, query, body, secrets=SECRETS, extra_auth=()):
    uri = f"https://{HOST}{PATH}"
    params = list(query) + list(body) + OAUTH + list(extra_auth)
    sig = sign(base_string(method, uri, params), secrets)
    target = PATH
    if query:
        target += "?" + "&".join(f"{enc(n)}={enc(v)}" for n, v in query)
    auth = header(OAUTH + list(extra_auth), sig)
    lines = [f"{method} {target} HTTP/1.1", f"Host: {HOST}", f"Authorization: {auth}"]
    payload = b""
    if body:
        payload = "&".join(f"{enc(n)}={enc(v)}" for n, v in body).encode()
        lines.append("Content-Type: application/x-www-form-urlencoded")
        lines.append(f"Content-Length: {len(payload)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


def write(out, name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    # 1. A request with 100,000 query parameters (diffed against itself).
    q = [(f"p{i:06d}", f"v{i}") for i in range(100_000)]
    write(out, "query-100k.http", http_request("GET", q, []))
    # 2. Two ~1 MiB base strings, every other parameter's value differs.
    uri = f"https://{HOST}{PATH}"
    n = 46_000
    good = [(f"p{i:06d}", f"value{i}") for i in range(n)] + OAUTH
    cand = [(f"p{i:06d}", f"value{i}" if i % 2 else f"other{i}") for i in range(n)] + OAUTH
    write(out, "base-good.txt", base_string("POST", uri, good) + "\n")
    write(out, "base-candidate.txt", base_string("POST", uri, cand) + "\n")
    # 3. An Authorization header with 100,000 parameters.
    extra = [(f"x{i:06d}", f"v{i}") for i in range(100_000)]
    write(out, "header-100k.http", http_request("GET", [], [], extra_auth=extra))
    # 4. 200 parameters, signed with a secret hunt is not given.
    q = [(f"p{i:03d}", f"v {i}") for i in range(200)]
    write(out, "hunt-200.http", http_request("GET", q, [], secrets=("other", "ts")))
    # 5./6. A 15 MiB form body: 3.9M short parameters, signed with a secret
    # hunt is not given (file form-15m-wrong.http) and with the right one
    # (form-15m.http, for verify/sign/explain).
    body = [("a", str(i % 10)) for i in range(3_900_000)]
    write(out, "form-15m.http", http_request("POST", [], body))
    write(out, "form-15m-wrong.http", http_request("POST", [], body, secrets=("other", "ts")))


if __name__ == "__main__":
    main()
