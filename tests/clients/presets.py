#!/usr/bin/env python3
"""The workbench presets' expected signatures, recomputed independently.

Reads assets/serve/presets.json and, for every HMAC preset, parses its raw
HTTP request and signs it with oauthlib's rfc5849.signature functions (the
Python reference, not oauth1-doctor); prints one JSON object
{"id": signature, ...}. tests/serve.rs compares these with each preset's
"expected" value (which the browser test then finds on the page). The RSA
preset's value comes from fixtures/vectors/computed/method-rsa-sha1.toml
(openssl), so it is skipped here (oauthlib's RSA needs `cryptography`).
"""
import json
import sys
from urllib.parse import urlsplit

from oauthlib.oauth1.rfc5849 import signature as s


def parse(raw):
    head, _, body = raw.partition("\n\n")
    lines = head.split("\n")
    method, target, _ = lines[0].split(" ")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip()] = value.strip()
    if target.startswith("/"):
        target = "https://" + headers["Host"] + target
    return method, target, headers, body


def sign(preset):
    method, url, headers, body = parse(preset["request"])
    form = headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded")
    params = s.collect_parameters(
        uri_query=urlsplit(url).query,
        body=body if form else None,
        headers={"Authorization": headers["Authorization"]} if "Authorization" in headers else None,
    )
    norm = s.normalize_parameters(params)
    base = s.signature_base_string(method, s.base_string_uri(url), norm)
    sm = dict(params)["oauth_signature_method"]
    cs, ts = preset.get("consumer_secret", ""), preset.get("token_secret", "")
    if sm == "HMAC-SHA1":
        return s.sign_hmac_sha1(base, cs, ts)
    if sm == "HMAC-SHA256":
        return s.sign_hmac_sha256(base, cs, ts)
    return None


def main():
    presets = json.load(open(sys.argv[1], encoding="utf-8"))
    out = {}
    for p in presets:
        sig = sign(p)
        if sig is not None:
            out[p["id"]] = sig
    print(json.dumps(out))


if __name__ == "__main__":
    main()
