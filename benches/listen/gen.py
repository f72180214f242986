#!/usr/bin/env python3
"""Writes N Authorization headers for benches/listen/run.sh, one a line,
signed by the Python reference signer of tests/clients/send_python.py
(independent of oauth1-doctor), each with its own nonce so that none is a
replay.

    gen.py OUT N API_URL MISTAKE   (MISTAKE: none, a catalogue id, or garbage)

Credentials come from the environment: CK, CS, TOKEN, TS.
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "clients"))
import send_python  # noqa: E402

out, n, api, mistake = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
creds = (os.environ["CK"], os.environ["CS"], os.environ["TOKEN"], os.environ["TS"])
now = int(time.time())
with open(out, "w") as f:
    for i in range(n):
        m = None if mistake in ("none", "garbage") else mistake
        header = send_python.authorization(api, m, now, f"n{i:09d}", creds)
        if mistake == "garbage":
            # A signature no known mistake reproduces: the hunt runs to its budget.
            header = header.rsplit('oauth_signature="', 1)[0] + f'oauth_signature="{i:027d}%3D"'
        f.write(header + "\n")
print(send_python.target())
print(send_python.form_body())
