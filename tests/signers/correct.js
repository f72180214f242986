#!/usr/bin/env node
// Reference signer: reads a conform vector on stdin, prints the Authorization header.
const { sign, readStdin } = require('./oauth1.js');
console.log('Authorization: ' + sign(JSON.parse(readStdin())).header);
