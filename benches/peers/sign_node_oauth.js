// Signs requests.jsonl with the npm package oauth (HMAC-SHA1) and writes
// one oauth_signature per line to OUT; prints {"signer", "version",
// "requests", "seconds"} for the best pass of the signing loop alone
// (passes repeat until at least 3 passes and 2 seconds of signing, the
// same rule for every signer, so that each runs warmed up).
'use strict';
const fs = require('fs');
const { OAuth } = require('oauth');
const { version } = require('oauth/package.json');

const [src, out] = process.argv.slice(2);
const requests = fs.readFileSync(src, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

// The body as the object the package takes: decoded names and values, a
// repeated name as an array ('+' is a space, as in a form).
function formObject(body) {
  const data = {};
  if (!body) return data;
  const decode = (s) => decodeURIComponent(s.replace(/\+/g, ' '));
  for (const pair of body.split('&')) {
    const i = pair.indexOf('=');
    const name = decode(i < 0 ? pair : pair.slice(0, i));
    const value = i < 0 ? '' : decode(pair.slice(i + 1));
    data[name] = name in data ? [].concat(data[name], value) : value;
  }
  return data;
}

function signAll() {
  const signatures = [];
  for (const r of requests) {
    const oauth = new OAuth(null, null, r.consumer_key, r.consumer_secret, '1.0', null, 'HMAC-SHA1');
    // The nonce and timestamp are pinned, as for every signer.
    oauth._getNonce = () => r.nonce;
    oauth._getTimestamp = () => r.timestamp;
    const params = oauth._prepareParameters(
      r.token || undefined, r.token_secret, r.method, r.url, formObject(r.body));
    signatures.push(params[params.length - 1][1]);
  }
  return signatures;
}

let best = Infinity;
let signatures;
let total = 0;
for (let pass = 0; pass < 3 || total < 2; pass++) {
  const start = process.hrtime.bigint();
  signatures = signAll();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  best = Math.min(best, seconds);
  total += seconds;
}
fs.writeFileSync(out, signatures.map((s) => s + '\n').join(''));
console.log(JSON.stringify({ signer: 'oauth (npm)', version, requests: requests.length, seconds: best }));
