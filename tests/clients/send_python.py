#!/usr/bin/env python3
"""Sends OAuth 1.0 requests to an `oauth1-doctor listen` server from
Python, independently of oauth1-doctor: with requests-oauthlib (a real
client library), or with a small RFC 5849 reference signer written here
that can make one named signer mistake on purpose.

Every request is signed for API_URL (the API the tool believes it calls)
and sent to SERVER_URL (the listen server, started with --as API_URL).

    send_python.py SERVER_URL API_URL oauthlib
    send_python.py SERVER_URL API_URL reference [MISTAKE ...] [--skew S]

Credentials come from the environment: CK, CS, TOKEN, TS. One JSON line
per request on stdout: {"mistake", "status", "body", "www_authenticate"}.
"""

import base64
import hashlib
import hmac
import json
import os
import re
import sys
import time
import uuid
from urllib.parse import quote, urlsplit

PATH = "/items"
QUERY = [("b", "2"), ("a", "1")]
BODY = [("status", "Hello World ~!"), ("c", "3"), ("dir", "a/b")]


def enc(s, safe="-._~"):
    """RFC 5849 section 3.6 percent-encoding (upper-case hex)."""
    return quote(s, safe=safe)


def form_body():
    # The body on the wire is always RFC-correct; only signing goes wrong.
    return "&".join(f"{enc(n)}={enc(v)}" for n, v in BODY)


def reference_base_string(method, api_url, oauth, mistake):
    """The base string of RFC 5849 section 3.4.1, except for MISTAKE."""
    # Section 3.4.1.1: the method, upper-cased.
    m = method.lower() if mistake == "method-not-uppercased" else method.upper()
    # Section 3.4.1.2: the base string URI.
    parts = urlsplit(api_url)
    host = parts.hostname
    if parts.port and parts.port != (80 if parts.scheme == "http" else 443):
        host += f":{parts.port}"
    uri = f"{parts.scheme}://{host}{parts.path.rstrip('/')}{PATH}"
    if mistake == "default-port-kept":
        uri = f"{parts.scheme}://{host}:{80 if parts.scheme == 'http' else 443}{parts.path.rstrip('/')}{PATH}"
    if mistake == "trailing-slash-added":
        uri += "/"
    if mistake == "query-kept-in-uri":
        uri += "?" + "&".join(f"{n}={v}" for n, v in QUERY)
    # Section 3.4.1.3: query, body and protocol parameters.
    params = list(QUERY)
    if mistake != "body-params-omitted":
        params += BODY
    params += [(n, v) for n, v in oauth if not (mistake == "version-omitted" and n == "oauth_version")]
    if mistake == "realm-signed":
        params.append(("realm", "Example"))

    def encode(s):
        if mistake == "plus-for-space":
            return enc(s).replace("%20", "+")
        if mistake == "tilde-encoded":
            # Python's quote never encodes "~": do it by hand.
            return enc(s).replace("~", "%7E")
        if mistake == "double-encoded":
            return enc(enc(s))
        if mistake == "lowercase-hex":
            return re.sub("%[0-9A-F]{2}", lambda m: m.group(0).lower(), enc(s))
        return enc(s)

    pairs = [(encode(n), encode(v)) for n, v in params]
    if mistake != "unsorted":
        pairs.sort()
    normalized = "&".join(f"{n}={v}" for n, v in pairs)
    return "&".join([m, enc(uri), enc(normalized)])


def reference_signature(method, api_url, oauth, mistake, cs, ts):
    """Signs like RFC 5849 section 3.4, except for MISTAKE (a catalogue id)."""
    base = reference_base_string(method, api_url, oauth, mistake)
    # Section 3.4.2: the key.
    if mistake == "key-not-encoded":
        key = f"{cs}&{ts}"
    elif mistake == "key-token-secret-omitted":
        key = f"{enc(cs)}&"
    else:
        key = f"{enc(cs)}&{enc(ts)}"
    digest = hmac.new(key.encode(), base.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def authorization(api_url, mistake, timestamp, nonce, creds):
    """The Authorization header of the reference request, signed with MISTAKE."""
    return signed(api_url, mistake, timestamp, nonce, creds)[0]


def signed(api_url, mistake, timestamp, nonce, creds):
    """The Authorization header signed with MISTAKE, and the base string a
    correct signer (a server) computes for the same request."""
    ck, cs, token, ts = creds
    oauth = [
        ("oauth_consumer_key", ck),
        ("oauth_token", token),
        ("oauth_signature_method", "HMAC-SHA1"),
        ("oauth_timestamp", str(timestamp)),
        ("oauth_nonce", nonce),
        ("oauth_version", "1.0"),
    ]
    sig = reference_signature("POST", api_url, oauth, mistake, cs, ts)
    fields = ([("realm", "Example")] if mistake == "realm-signed" else []) + oauth + [("oauth_signature", sig)]
    header = "OAuth " + ", ".join(f'{n}="{enc(v)}"' for n, v in fields)
    return header, reference_base_string("POST", api_url, oauth, None)


def target():
    """The request target (path and query) of the reference request."""
    return PATH + "?" + "&".join(f"{n}={v}" for n, v in QUERY)


def send_reference(server, api_url, mistake, skew, creds):
    import requests

    header = authorization(api_url, mistake, int(time.time()) - skew, uuid.uuid4().hex, creds)
    return requests.post(
        f"{server}{target()}",
        data=form_body(),
        headers={"Authorization": header, "Content-Type": "application/x-www-form-urlencoded"},
        timeout=30,
    )


def send_oauthlib(server, api_url, creds):
    import requests
    from requests_oauthlib import OAuth1

    ck, cs, token, ts = creds
    auth = OAuth1(ck, client_secret=cs, resource_owner_key=token, resource_owner_secret=ts)
    query = "&".join(f"{n}={v}" for n, v in QUERY)
    api = api_url.rstrip("/")
    request = requests.Request("POST", f"{api}{PATH}?{query}", data=dict(BODY), auth=auth)
    prepared = request.prepare()
    # Signed for the API, sent to the listen server (the tool's URL was changed).
    prepared.url = f"{server}{PATH}?{query}"
    with requests.Session() as s:
        return s.send(prepared, timeout=30)


def report(mistake, r):
    print(json.dumps({
        "mistake": mistake,
        "status": r.status_code,
        "body": r.text,
        "www_authenticate": r.headers.get("WWW-Authenticate"),
    }), flush=True)


def main():
    server, api_url, mode = sys.argv[1:4]
    rest = sys.argv[4:]
    skew = 0
    if "--skew" in rest:
        i = rest.index("--skew")
        skew = int(rest[i + 1])
        del rest[i:i + 2]
    creds = (os.environ["CK"], os.environ["CS"], os.environ["TOKEN"], os.environ["TS"])
    if mode == "oauthlib":
        report(None, send_oauthlib(server, api_url, creds))
    elif mode == "reference":
        for mistake in rest or [None]:
            report(mistake, send_reference(server, api_url, mistake, skew, creds))
    else:
        sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
