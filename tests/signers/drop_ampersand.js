#!/usr/bin/env node
// Buggy signer: drops the '&' of the key when the token secret is empty
// (RFC 5849 §3.4.2 keeps it). Answers with the Authorization header.
const { sign, readStdin } = require('./oauth1.js');
console.log(sign(JSON.parse(readStdin()), { dropAmpersand: true }).header);
