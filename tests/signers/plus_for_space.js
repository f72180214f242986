#!/usr/bin/env node
// Buggy signer: encodes spaces as '+' (form/urlencode style) instead of %20
// (RFC 5849 §3.6). Answers with JSON so conform can diff its base string.
const { sign, readStdin } = require('./oauth1.js');
const s = sign(JSON.parse(readStdin()), { plusForSpace: true });
console.log(JSON.stringify({ signature: s.signature, base_string: s.baseString }));
