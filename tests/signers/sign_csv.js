#!/usr/bin/env node
// Signs every row of `oauth1-doctor vectors export --format csv` and writes
// an `id,signature` table for `oauth1-doctor vectors grade`.
// Usage: node sign_csv.js IN.csv OUT.csv [--plus-for-space|--drop-ampersand]
const fs = require('fs');
const { sign } = require('./oauth1.js');

// RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks.
function parseCsv(text) {
  const rows = [[]];
  let field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { rows[rows.length - 1].push(field); field = ''; }
    else if (c === '\n') { rows[rows.length - 1].push(field); field = ''; rows.push([]); }
    else if (c !== '\r') field += c;
  }
  if (field !== '' || rows[rows.length - 1].length) rows[rows.length - 1].push(field);
  return rows.filter((r) => r.length > 1);
}

// `vectors export` prefixes with ' the cells a spreadsheet would take for a
// formula or a number (=, +, -, @, tab, CR; more than 11 digits; a leading
// zero) and the cells that already start with a guarded ': undo exactly that.
function needsGuard(c) {
  if (c === '') return false;
  if ('=+-@\t\r'.includes(c[0])) return true;
  if (c[0] === "'") return needsGuard(c.slice(1));
  return /^[0-9]+$/.test(c) && (c.length > 11 || (c.length > 1 && c[0] === '0'));
}
const unguard = (c) => (c.startsWith("'") && needsGuard(c.slice(1)) ? c.slice(1) : c);

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
