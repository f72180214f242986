#!/usr/bin/env node
// Signs every row of `oauth1-doctor vectors export --format csv` and writes
// an `id,signature` table for `oauth1-doctor vectors grade`.
// Usage: node sign_csv.js IN.csv OUT.csv [--plus-for-space|--drop-ampersand]
const fs = require('fs');
const { sign } = require('./oauth1.js');

const { parseCsv, unguard } = require('./csv.js');

const [input, output, flag] = process.argv.slice(2);
const mistakes = { plusForSpace: flag === '--plus-for-space', dropAmpersand: flag === '--drop-ampersand' };
const [head, ...rows] = parseCsv(fs.readFileSync(input, 'utf8').replace(/^\uFEFF/, ''));
const lines = ['id,signature'];
for (const row of rows) {
  const cell = Object.fromEntries(head.map((h, i) => [h, unguard(row[i])]));
  const oauth = {};
  for (const h of head) if (h.startsWith('oauth_') && cell[h] !== '') oauth[h] = cell[h];
  const vector = {
    method: cell.method, url: cell.url, content_type: cell.content_type || null, body: cell.body || null,
    realm: cell.realm || null, oauth, consumer_secret: cell.consumer_secret, token_secret: cell.token_secret,
    private_key_pem: cell.private_key_pem || null,
  };
  lines.push(cell.id + ',"' + sign(vector, mistakes).signature.replace(/"/g, '""') + '"');
}
fs.writeFileSync(output, lines.join('\n') + '\n');
