// Reading the CSV `oauth1-doctor vectors export` writes (Node stdlib only),
// for the test signers that answer its rows.
'use strict';

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

module.exports = { parseCsv, unguard };
