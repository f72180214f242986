// Sends one OAuth 1.0 request to an `oauth1-doctor listen` server, signed
// by the npm package oauth-1.0a (HMAC-SHA1 with node's crypto), for
// API_URL, sent to SERVER_URL (the server runs with --as API_URL).
//
//   NODE_PATH=… node send_node.js SERVER_URL API_URL
//
// Credentials from the environment: CK, CS, TOKEN, TS. Prints one JSON
// line: {"status", "body", "www_authenticate"}.
'use strict';
const crypto = require('crypto');
const OAuth = require('oauth-1.0a');

async function main() {
  const [server, api] = process.argv.slice(2);
  const oauth = OAuth({
    consumer: { key: process.env.CK, secret: process.env.CS },
    signature_method: 'HMAC-SHA1',
    hash_function(base, key) {
      return crypto.createHmac('sha1', key).update(base).digest('base64');
    },
  });
  const token = { key: process.env.TOKEN, secret: process.env.TS };
  const path = '/items?b=2&a=1';
  const data = { status: 'Hello World ~!', c: '3' };
  // authorize() merges the URL's query into `data`: take the body first.
  const body = new URLSearchParams(data).toString();
  const signed = oauth.authorize({ url: api.replace(/\/$/, '') + path, method: 'POST', data }, token);
  const res = await fetch(server + path, {
    method: 'POST',
    headers: {
      ...oauth.toHeader(signed),
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body,
  });
  console.log(JSON.stringify({
    status: res.status,
    body: await res.text(),
    www_authenticate: res.headers.get('www-authenticate'),
  }));
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
