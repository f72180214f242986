#!/usr/bin/env node
// Sends every row of a `vectors export` table to an `oauth1-doctor listen
// --grade` server, signed by the independent Node reference signer
// tests/signers/oauth1.js (not by oauth1-doctor), for tests/listen.rs.
// Each request is signed for the row's URL and sent there, or, with --to,
// sent to that server instead (path, query and Host as the row's URL says,
// as a tool whose base URL was changed sends it). The rows named by --break
// are signed with a wrong consumer secret, so their vectors fail.
//
//     node send_vectors.js TABLE.csv [--to http://127.0.0.1:PORT] [--break ID,ID,...]
//
// One JSON line per request on stdout: {"id", "status", "body"}.
'use strict';
const fs = require('fs');
const http = require('http');
const { sign } = require('../signers/oauth1.js');
const { parseCsv, unguard } = require('../signers/csv.js');

const args = process.argv.slice(2);
const table = args[0];
const option = (name) => { const i = args.indexOf(name); return i < 0 ? null : args[i + 1]; };
const broken = new Set((option('--break') || '').split(',').filter((id) => id !== ''));
const to = option('--to') ? new URL(option('--to')) : null;
const [head, ...rows] = parseCsv(fs.readFileSync(table, 'utf8').replace(/^\uFEFF/, ''));

function send(row) {
  const cell = Object.fromEntries(head.map((h, i) => [h, unguard(row[i] || '')]));
  const oauth = {};
  for (const h of head) if (h.startsWith('oauth_') && cell[h] !== '') oauth[h] = cell[h];
  const input = {
    method: cell.method, url: cell.url, content_type: cell.content_type || null, body: cell.body || null,
    realm: cell.realm || null, oauth, consumer_secret: cell.consumer_secret, token_secret: cell.token_secret,
    private_key_pem: cell.private_key_pem || null,
  };
  if (broken.has(cell.id)) input.consumer_secret += 'wrong';
  const { header } = sign(input);
  const url = new URL(cell.url);
  const headers = { Host: url.host, Authorization: header };
  if (input.content_type) headers['Content-Type'] = input.content_type;
  const body = input.body ? Buffer.from(input.body, 'utf8') : null;
  if (body) headers['Content-Length'] = body.length;
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: (to || url).hostname, port: (to || url).port, method: cell.method,
      path: url.pathname + url.search, headers, agent: false,
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ id: cell.id, status: res.statusCode, body: text }));
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

(async () => {
  for (const row of rows) console.log(JSON.stringify(await send(row)));
})().catch((e) => { console.error(e); process.exit(1); });
