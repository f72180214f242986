// A small, independent RFC 5849 signer (Node stdlib only) used as the
// reference signer in oauth1-doctor's conformance tests. `mistakes` turns
// on known bugs so the tests can check that `conform` catches them.
'use strict';
const crypto = require('crypto');

// RFC 5849 §3.6: unreserved bytes stay, everything else is %XX (upper case).
function enc(value, mistakes) {
  const bytes = Buffer.isBuffer(value) ? value : Buffer.from(String(value), 'utf8');
  let out = '';
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    if (b < 0x80 && /[A-Za-z0-9\-._~]/.test(c)) out += c;
    else if (b === 0x20 && mistakes.plusForSpace) out += '+'; // the bug
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

// application/x-www-form-urlencoded decoding: '+' is a space, %XX a byte.
function formDecode(s) {
  const src = Buffer.from(s.replace(/\+/g, ' '), 'utf8');
  const out = [];
  for (let i = 0; i < src.length; i++) {
    const hex = src.slice(i + 1, i + 3).toString('latin1');
    if (src[i] === 0x25 && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      out.push(parseInt(hex, 16));
      i += 2;
    } else out.push(src[i]);
  }
  return Buffer.from(out);
}

// RFC 5849 §3.4.1.3.1: a key without '=' has an empty value.
function parseForm(s) {
  return s.split('&').filter((seg) => seg !== '').map((seg) => {
    const i = seg.indexOf('=');
    return i < 0 ? [formDecode(seg), Buffer.alloc(0)] : [formDecode(seg.slice(0, i)), formDecode(seg.slice(i + 1))];
  });
}

// RFC 5849 §3.4.1.2.
function baseUri(url) {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?/.exec(url);
  if (!m) throw new Error('not an absolute URL: ' + url);
  const scheme = m[1].toLowerCase();
  const hostport = m[2].slice(m[2].lastIndexOf('@') + 1);
  const cut = hostport.startsWith('[') ? hostport.indexOf(']') + 1 : hostport.indexOf(':') < 0 ? hostport.length : hostport.indexOf(':');
  const host = hostport.slice(0, cut).toLowerCase();
  let port = hostport.slice(cut + 1);
  if ((scheme === 'http' && port === '80') || (scheme === 'https' && port === '443')) port = '';
  let path = m[3] || '/';
  path = Array.from(path).map((c) => (c > ' ' && c <= '~' ? c : enc(c, {}))).join('');
  return { uri: scheme + '://' + host + (port ? ':' + port : '') + path, query: m[4] };
}

function sign(input, mistakes = {}) {
  const { uri, query } = baseUri(input.url);
  const params = query ? parseForm(query) : [];
  const mediaType = (input.content_type || '').split(';')[0].trim().toLowerCase();
  if (mediaType === 'application/x-www-form-urlencoded' && input.body) params.push(...parseForm(input.body));
  for (const [k, v] of Object.entries(input.oauth)) params.push([Buffer.from(k), Buffer.from(v)]);
  // RFC 5849 §3.4.1.3.2: encode, sort by name then value (byte order), join.
  const pairs = params.map(([n, v]) => [enc(n, mistakes), enc(v, mistakes)]);
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  const normalized = pairs.map((p) => p[0] + '=' + p[1]).join('&');
  const baseString = [enc(input.method.toUpperCase(), mistakes), enc(uri, mistakes), enc(normalized, mistakes)].join('&');
  // RFC 5849 §3.4.2: the '&' stays even when the token secret is empty.
  const ts = input.token_secret || '';
  const key = enc(input.consumer_secret || '', mistakes) + (mistakes.dropAmpersand && ts === '' ? '' : '&' + enc(ts, mistakes));
  const method = input.oauth.oauth_signature_method;
  const digest = { 'HMAC-SHA1': 'sha1', 'HMAC-SHA256': 'sha256', 'HMAC-SHA512': 'sha512', 'RSA-SHA1': 'RSA-SHA1', 'RSA-SHA256': 'RSA-SHA256', 'RSA-SHA512': 'RSA-SHA512' }[method];
  let signature;
  if (method === 'PLAINTEXT') signature = key;
  else if (method.startsWith('HMAC-')) signature = crypto.createHmac(digest, key).update(baseString).digest('base64');
  else signature = crypto.createSign(digest).update(baseString).sign(input.private_key_pem, 'base64');
  // RFC 5849 §3.5.1.
  const fields = [];
  if (input.realm != null) fields.push('realm="' + input.realm.replace(/["\\]/g, '\\$&') + '"');
  for (const [k, v] of Object.entries(input.oauth)) fields.push(k + '="' + enc(v, {}) + '"');
  fields.push('oauth_signature="' + enc(signature, {}) + '"');
  return { signature, baseString, header: 'OAuth ' + fields.join(', ') };
}

function readStdin() {
  return require('fs').readFileSync(0, 'utf8');
}

module.exports = { sign, readStdin };
