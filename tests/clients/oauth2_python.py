"""The OAuth 2.0 client-credentials flow against `listen --oauth2-client`,
done by real Python clients (requests, requests-oauthlib), with at most one
mistake on purpose. Independent of oauth1-doctor.

    oauth2_python.py SERVER CLIENT MISTAKE

CLIENT is `requests` (the two steps by hand) or `oauthlib`
(BackendApplicationClient + OAuth2Session.fetch_token). MISTAKE is `none`,
`json-body`, `basic-raw` (Basic with id:secret not form-encoded, RFC 6749
§2.3.1), `bearer-colon` or `expired` (waits 2 s before the GET).
The client id and secret come from CLIENT_ID and CLIENT_SECRET. Prints one
JSON line per response: step, status, body, www_authenticate.
"""
import json
import os
import sys
import time

import requests

server, client, mistake = sys.argv[1:4]
cid, secret = os.environ["CLIENT_ID"], os.environ["CLIENT_SECRET"]
token_url = server + "/oauth2/token"


def show(step, r):
    print(json.dumps({
        "step": step,
        "status": r.status_code,
        "body": r.text,
        "www_authenticate": r.headers.get("WWW-Authenticate"),
    }), flush=True)


def get(token):
    if mistake == "expired":
        time.sleep(2)
    scheme = "Bearer:" if mistake == "bearer-colon" else "Bearer"
    show("get", requests.get(server + "/items", headers={"Authorization": f"{scheme} {token}"}))


if client == "requests":
    form = {"grant_type": "client_credentials", "client_id": cid, "client_secret": secret}
    if mistake == "json-body":
        r = requests.post(token_url, json=form)
    elif mistake == "basic-raw":
        # requests' HTTPBasicAuth sends id:secret as they are.
        r = requests.post(token_url, data={"grant_type": "client_credentials"}, auth=(cid, secret))
    else:
        r = requests.post(token_url, data=form)
    show("token", r)
    if r.status_code == 200:
        get(r.json()["access_token"])
elif client == "oauthlib":
    os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"  # plain HTTP on loopback
    from oauthlib.oauth2 import BackendApplicationClient
    from requests_oauthlib import OAuth2Session
    session = OAuth2Session(client=BackendApplicationClient(client_id=cid))
    token = session.fetch_token(token_url, client_id=cid, client_secret=secret)
    print(json.dumps({"step": "token", "status": 200, "body": "", "www_authenticate": None}), flush=True)
    if mistake == "none":
        show("get", session.get(server + "/items"))
    else:
        get(token["access_token"])
else:
    sys.exit(f"unknown client {client}")
