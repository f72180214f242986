// Builds a Postman collection with Postman's own SDK (the npm package
// postman-collection), runs it once through Postman's runtime (newman) against
// a loopback server that records every request byte for byte, and writes:
//
//   OUTDIR/collection.json   the collection, as the SDK serialises it (v2.1)
//   OUTDIR/environment.json  a Postman environment export (overrides `who`)
//   OUTDIR/rsa_public.pem    the public half of the RSA key the collection holds
//   OUTDIR/upload.txt        the file a `file`-mode body sends
//   OUTDIR/captures.json     {cases: [{item, slug, expect, secrets, capture}]}
//
//   NODE_PATH=… node postman_capture.js OUTDIR
//
// Nothing here signs anything: newman (postman-runtime, node-oauth1) does.
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');
const crypto = require('crypto');
const sdk = require('postman-collection');
const newman = require('newman');

const out = process.argv[2];
if (!out) {
  console.error('usage: node postman_capture.js OUTDIR');
  process.exit(2);
}
fs.mkdirSync(out, { recursive: true });

const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
fs.writeFileSync(path.join(out, 'rsa_public.pem'), publicKey);
const upload = path.join(out, 'upload.txt');
fs.writeFileSync(upload, 'file body sent by newman\n');

// The oauth1 settings of one request, in the v2.1 array form Postman exports.
function oauth1(slug, overrides) {
  const settings = {
    signatureMethod: 'HMAC-SHA1',
    consumerKey: '{{ck}}',
    consumerSecret: '{{cs}}',
    token: 'tok-123',
    tokenSecret: 'ts-456',
    timestamp: '1700000000',
    nonce: 'nonce-' + slug,
    version: '1.0',
    realm: '',
    addParamsToHeader: true,
    addEmptyParamsToSign: false,
    includeBodyHash: false,
    disableHeaderEncoding: false,
    ...overrides,
  };
  if (String(settings.signatureMethod).startsWith('RSA')) {
    settings.privateKey = privateKey;
  }
  return {
    type: 'oauth1',
    oauth1: Object.entries(settings).map(([key, value]) => ({
      key,
      value,
      type: typeof value === 'boolean' ? 'boolean' : 'string',
    })),
  };
}

const form = (rows) => ({ mode: 'urlencoded', urlencoded: rows });
const json = (raw) => ({ mode: 'raw', raw, options: { raw: { language: 'json' } } });
const jsonHeader = [{ key: 'Content-Type', value: 'application/json' }];

// Each case: slug (the URL path's last segment), folder path, method,
// query, headers, body, auth (settings overrides, 'inherit' or 'noauth'),
// protocolProfileBehavior, and what the test should expect:
//   placement  header | query | body | none
//   verify     'valid', or the catalogue id of the departure that makes
//              the request fail verification (hunt names it); a trailing
//              `?` when it depends on the signature's bytes
const cases = [
  { slug: 'get-header-sha1', query: 'b=2&a=1&c=hello%20world', auth: {} },
  { slug: 'get-header-sha256', auth: { signatureMethod: 'HMAC-SHA256' } },
  { slug: 'get-header-sha512', auth: { signatureMethod: 'HMAC-SHA512' } },
  { slug: 'get-header-plaintext', auth: { signatureMethod: 'PLAINTEXT' } },
  { slug: 'get-header-rsa-sha1', query: 'x=1', auth: { signatureMethod: 'RSA-SHA1' } },
  { slug: 'get-header-rsa-sha256', auth: { signatureMethod: 'RSA-SHA256' } },
  { slug: 'get-header-realm', auth: { realm: 'Example Realm' } },
  { slug: 'get-query-sha1', query: 'b=2&a=1', auth: { addParamsToHeader: false }, placement: 'query' },
  { slug: 'get-query-plaintext', auth: { signatureMethod: 'PLAINTEXT', addParamsToHeader: false }, placement: 'query' },
  { slug: 'get-query-special', query: "q=it's%20a~b&r=(x)*!", auth: { addParamsToHeader: false }, placement: 'query' },
  { slug: 'get-header-special-query', query: "q=it's a b&r=(x)*!&s=%2B", auth: {} },
  { slug: 'delete-query', method: 'DELETE', query: 'id=7', auth: { addParamsToHeader: false }, placement: 'query' },
  {
    slug: 'post-form-body', method: 'POST',
    body: form([{ key: 'status', value: 'Hello Ladies + Gentlemen' }, { key: 'skip', value: 'me', disabled: true }, { key: 'a', value: '1' }]),
    auth: { addParamsToHeader: false }, placement: 'body',
  },
  {
    slug: 'put-form-body', method: 'PUT',
    body: form([{ key: 'name', value: 'x y' }]),
    auth: { addParamsToHeader: false, signatureMethod: 'HMAC-SHA256' }, placement: 'body',
  },
  {
    slug: 'patch-form-query', method: 'PATCH',
    body: form([{ key: 'name', value: 'z' }]),
    auth: { addParamsToHeader: false }, placement: 'query',
  },
  {
    slug: 'post-form-header', method: 'POST', query: 'q=1',
    body: form([{ key: 'b', value: 'two words' }, { key: 'c', value: '' }, { key: 'off', value: '1', disabled: true }]),
    auth: {},
  },
  {
    slug: 'post-form-header-rsa', method: 'POST',
    body: form([{ key: 'k', value: 'v' }]),
    auth: { signatureMethod: 'RSA-SHA256' },
  },
  { slug: 'post-raw-header', method: 'POST', headers: jsonHeader, body: json('{"a": 1}'), auth: {} },
  { slug: 'post-raw-bodyhash', method: 'POST', headers: jsonHeader, body: json('{"a": 1}'), auth: { includeBodyHash: true } },
  { slug: 'post-raw-bodyhash-sha256', method: 'POST', headers: jsonHeader, body: json('{"b": [1, 2]}'), auth: { includeBodyHash: true, signatureMethod: 'HMAC-SHA256' } },
  { slug: 'post-raw-bodyhash-query', method: 'POST', headers: jsonHeader, body: json('{"c": 3}'), auth: { includeBodyHash: true, addParamsToHeader: false }, placement: 'query' },
  { slug: 'post-raw-query', method: 'POST', headers: jsonHeader, body: json('{"a": 1}'), auth: { addParamsToHeader: false }, placement: 'query' },
  { slug: 'post-form-bodyhash', method: 'POST', body: form([{ key: 'f', value: '1' }]), auth: { includeBodyHash: true } },
  { slug: 'get-bodyhash-unsent', method: 'GET', headers: jsonHeader, body: json('{"never": "sent"}'), auth: { includeBodyHash: true }, verify: 'postman-body-hash-of-unsent-body' },
  {
    slug: 'post-formdata-header', method: 'POST',
    body: { mode: 'formdata', formdata: [{ key: 'field', value: 'value', type: 'text' }, { key: 'gone', value: 'x', type: 'text', disabled: true }] },
    auth: {},
  },
  { slug: 'post-file-header', method: 'POST', body: { mode: 'file', file: { src: upload } }, auth: {} },
  {
    slug: 'post-graphql-header', method: 'POST',
    body: { mode: 'graphql', graphql: { query: '{ viewer { login } }', variables: '{"n": 1}' } },
    auth: {},
  },
  {
    slug: 'post-graphql-bodyhash', method: 'POST',
    body: { mode: 'graphql', graphql: { query: 'query Q { a }', variables: '' } },
    auth: { includeBodyHash: true },
  },
  { slug: 'empty-token-header-addempty', auth: { token: '', tokenSecret: '', addEmptyParamsToSign: true }, verify: 'empty-token-signed' },
  { slug: 'empty-token-query-addempty', auth: { token: '', tokenSecret: '', addEmptyParamsToSign: true, addParamsToHeader: false }, placement: 'query' },
  { slug: 'empty-token-dropped', auth: { token: '', tokenSecret: '' } },
  { slug: 'no-version', auth: { version: '' } },
  { slug: 'no-header-encoding', auth: { consumerKey: 'ck/with+chars', disableHeaderEncoding: true } },
  { slug: 'no-header-encoding-realm', auth: { disableHeaderEncoding: true, realm: 'a b' } },
  { slug: 'no-url-encoding-query', query: 'a=1', auth: { addParamsToHeader: false }, placement: 'query', ppb: { disableUrlEncoding: true }, verify: 'signature-not-encoded?' },
  { slug: 'consumer-key-spaces', auth: { consumerKey: '{{ck}} ' }, verify: 'postman-consumer-key-untrimmed' },
  { slug: 'blank-token-secret', auth: { tokenSecret: '   ' }, verify: 'postman-blank-token-secret' },
  { slug: 'callback-verifier', auth: { callback: 'http://127.0.0.1/cb?x=1', verifier: 'ver 1' } },
  { slug: 'env-precedence', query: 'who={{who}}', headers: [{ key: 'X-Who', value: '{{who}}' }], auth: {} },
  { slug: 'vars-in-body', method: 'POST', body: form([{ key: '{{fieldname}}', value: '{{who}}-{{only_collection}}' }]), auth: { addParamsToHeader: false }, placement: 'body' },
  { slug: 'get-folder-auth', folder: ['inherit'], auth: 'inherit' },
  { slug: 'get-nested-auth', folder: ['inherit', 'deeper'], auth: 'inherit', query: 'n=1' },
  { slug: 'get-noauth', folder: ['inherit'], auth: 'noauth', placement: 'none' },
  { slug: 'get-collection-auth', auth: 'inherit' },
  { slug: 'same-name', folder: ['one'], auth: {} },
  { slug: 'same-name', folder: ['two'], auth: { signatureMethod: 'HMAC-SHA256' }, dup: true },
];

// The collection, built with the SDK's own classes.
const collection = new sdk.Collection({
  info: { name: 'oauth1-doctor postman capture' },
  variable: [
    { key: 'base', value: 'http://127.0.0.1:1' },
    { key: 'ck', value: 'dpf43f3p2l4k3l03' },
    { key: 'cs', value: 'kd94hf93k423kf44' },
    { key: 'who', value: 'collection-loses' },
    { key: 'only_collection', value: 'from-collection' },
    { key: 'fieldname', value: 'field name' },
  ],
  auth: oauth1('collection', { signatureMethod: 'HMAC-SHA1', nonce: 'nonce-collection' }),
});
const folders = new Map();
function folderFor(names) {
  let parent = collection;
  const trail = [];
  for (const name of names) {
    trail.push(name);
    const key = trail.join('/');
    if (!folders.has(key)) {
      const group = new sdk.ItemGroup({ name });
      if (key === 'inherit') {
        group.auth = new sdk.RequestAuth(oauth1('folder', { signatureMethod: 'HMAC-SHA256', nonce: 'nonce-folder', realm: 'Folder' }));
      }
      parent.items.add(group);
      folders.set(key, group);
    }
    parent = folders.get(key);
  }
  return parent;
}

for (const c of cases) {
  let auth;
  if (c.auth === 'noauth') {
    auth = { type: 'noauth' };
  } else if (c.auth !== 'inherit') {
    auth = oauth1(c.slug + (c.dup ? '-2' : ''), c.auth);
  }
  const item = new sdk.Item({
    name: c.slug,
    request: {
      method: c.method || 'GET',
      url: '{{base}}/c/' + c.slug + (c.query ? '?' + c.query : ''),
      header: c.headers || [],
      body: c.body,
      auth,
    },
    protocolProfileBehavior: c.ppb,
  });
  folderFor(c.folder || []).items.add(item);
}

const environment = {
  id: 'e0c1a7b4-0000-4000-8000-000000000001',
  name: 'capture environment',
  values: [
    { key: 'who', value: 'env wins', type: 'default', enabled: true },
    { key: 'unused', value: 'disabled', type: 'default', enabled: false },
  ],
  _postman_variable_scope: 'environment',
};

// Candidates for `diff COLLECTION --item get-header-sha1 CANDIDATE`: the
// same request signed by a hand-written HMAC-SHA1 signer (node's crypto,
// not Postman, not oauth1-doctor) with one mistake each, and a fresh
// nonce and timestamp. OUTDIR/candidates/<mistake>.http, raw HTTP.
function writeCandidates(port) {
  const enc = (s) => encodeURIComponent(s).replace(/[!*'()]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  const dir = path.join(out, 'candidates');
  fs.mkdirSync(dir, { recursive: true });
  const oauth = [
    ['oauth_consumer_key', 'dpf43f3p2l4k3l03'], ['oauth_token', 'tok-123'],
    ['oauth_signature_method', 'HMAC-SHA1'], ['oauth_timestamp', '1700000999'],
    ['oauth_nonce', 'candidate-nonce'], ['oauth_version', '1.0'],
  ];
  const query = [['b', '2'], ['a', '1'], ['c', 'hello world']];
  const build = (m) => {
    const method = m.method || 'GET';
    const uri = m.uri || ('http://127.0.0.1:' + port + '/c/get-header-sha1');
    const params = (m.noQuery ? [] : (m.query || query)).concat(oauth);
    const encode = m.encode || enc;
    let pairs = params.map(([k, v]) => [encode(k), encode(v)]);
    if (!m.unsorted) pairs.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0));
    const normalized = pairs.map(([k, v]) => k + '=' + v).join('&');
    const base = [m.lowerMethod ? method.toLowerCase() : method, enc(uri), enc(normalized)].join('&');
    const key = m.key || (enc('kd94hf93k423kf44') + '&' + enc('ts-456'));
    const sig = crypto.createHmac('sha1', key).update(base).digest('base64');
    const header = 'OAuth ' + oauth.concat([['oauth_signature', sig]]).map(([k, v]) => k + '="' + enc(v) + '"').join(', ');
    const sentQuery = (m.sentQuery || query).map(([k, v]) => enc(k) + '=' + enc(v)).join('&');
    return method + ' /c/get-header-sha1?' + sentQuery + ' HTTP/1.1\r\nHost: 127.0.0.1:' + port +
      '\r\nAuthorization: ' + header + '\r\n\r\n';
  };
  const mistakes = {
    'none': {},
    'plus-for-space': { encode: (s) => enc(s).replace(/%20/g, '+') },
    'method-not-uppercased': { lowerMethod: true },
    'query-params-omitted': { noQuery: true },
    'port-dropped': { uri: 'http://127.0.0.1/c/get-header-sha1' },
    'key-token-secret-omitted': { key: enc('kd94hf93k423kf44') + '&' },
    'unsorted': { unsorted: true },
    'param-value-mismatch': { query: [['b', '2'], ['a', '1'], ['c', 'hello World']], sentQuery: [['b', '2'], ['a', '1'], ['c', 'hello World']] },
  };
  for (const [name, m] of Object.entries(mistakes)) {
    fs.writeFileSync(path.join(dir, name + '.http'), build(m));
  }
}

const captured = [];
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const headers = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
    }
    captured.push({
      method: req.method,
      target: req.url,
      headers,
      body_base64: Buffer.concat(chunks).toString('base64'),
    });
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('ok');
  });
});

server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  collection.variables.one('base').set('http://127.0.0.1:' + port);
  const json = collection.toJSON();
  fs.writeFileSync(path.join(out, 'collection.json'), JSON.stringify(json, null, 2));
  fs.writeFileSync(path.join(out, 'environment.json'), JSON.stringify(environment, null, 2));
  // The same collection in format v2.0
  // (https://schema.getpostman.com/json/collection/v2.0.0/collection.json):
  // each auth block's settings as an object instead of [{key, value}].
  const v20 = JSON.parse(JSON.stringify(json));
  v20.info.schema = 'https://schema.getpostman.com/json/collection/v2.0.0/collection.json';
  (function toObjects(node) {
    if (Array.isArray(node)) return node.forEach(toObjects);
    if (!node || typeof node !== 'object') return;
    if (node.type && Array.isArray(node[node.type])) {
      node[node.type] = Object.fromEntries(node[node.type].map((r) => [r.key, r.value]));
    }
    Object.values(node).forEach(toObjects);
  })(v20);
  fs.writeFileSync(path.join(out, 'collection-v2.0.json'), JSON.stringify(v20, null, 2));
  const run = (collection, done) =>
    newman.run(
      {
        collection: JSON.parse(JSON.stringify(collection)),
        environment: JSON.parse(JSON.stringify(environment)),
        reporters: [],
        timeout: 20000,
      },
      done
    );
  // One newman run per format: v2.1 first, then v2.0.
  run(json, (err, summary) => {
    if (err) {
      console.error('newman failed: ' + err);
      process.exit(1);
    }
    const v21 = captured.splice(0, captured.length);
    run(v20, (err20, summary20) => {
      server.close();
      if (err20) {
        console.error('newman (v2.0) failed: ' + err20);
        process.exit(1);
      }
      const v20captures = captured.splice(0, captured.length);
      captured.push(...v21);
      finish(summary, summary20, v20captures);
    });
  });
  const finish = (summary, summary20, v20captures) => {
    {
      const failures = summary.run.failures
        .concat(summary20.run.failures)
        .map((f) => String(f.error && f.error.message));
      const v20By = new Map();
      for (const cap of v20captures) {
        const slug = cap.target.split('?')[0].split('/').pop();
        if (!v20By.has(slug)) v20By.set(slug, []);
        v20By.get(slug).push(cap);
      }
      const bySlug = new Map();
      for (const cap of captured) {
        const slug = cap.target.split('?')[0].split('/').pop();
        if (!bySlug.has(slug)) bySlug.set(slug, []);
        bySlug.get(slug).push(cap);
      }
      const result = cases.map((c) => {
        const caps = bySlug.get(c.slug) || [];
        return {
          item: [...(c.folder || []), c.slug].join('/'),
          slug: c.slug,
          placement: c.placement || 'header',
          verify: c.verify || 'valid',
          token_secret: c.auth && c.auth.tokenSecret !== undefined ? c.auth.tokenSecret : 'ts-456',
          rsa: Boolean(c.auth && String(c.auth.signatureMethod).startsWith('RSA')),
          capture: caps[c.dup ? 1 : 0] || null,
          capture_v20: (v20By.get(c.slug) || [])[c.dup ? 1 : 0] || null,
        };
      });
      writeCandidates(port);
      fs.writeFileSync(
        path.join(out, 'captures.json'),
        JSON.stringify({ port, failures, cases: result }, null, 2)
      );
      console.log(JSON.stringify({ port, requests: captured.length, v20: v20captures.length, failures }));
    }
  };
});
