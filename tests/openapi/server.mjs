// SPDX-License-Identifier: Apache-2.0
// A real `mpctl serve` on a fresh store in a temporary directory, on a free
// loopback port, under an issuer with a path (so that the served document's
// `servers` must carry it); ready once /healthz answers. Grants are signed
// here with node's crypto, and raw requests go over a socket for what
// fetch cannot send (a body over the limit, a header over the limit).
import crypto from 'node:crypto';
import net from 'node:net';
import path from 'node:path';

import { freshStore, serve } from '../support/serve.mjs';

export { repo } from '../support/serve.mjs';

export async function startServer() {
  const store = await freshStore('mpctl-openapi-');
  const issuer = `${store.url}mp/`;
  const mpctl = (...args) => store.mpctl(...args).trim();
  mpctl('init', '--issuer', issuer);
  const server = await serve(store, issuer);
  return {
    issuer,
    port: store.port,
    dir: store.dir,
    mpctl,
    file: (name) => path.join(store.dir, name),
    stop: server.stop,
  };
}

// A key pair of `type` ('ec' P-256, 'ec384', 'rsa', 'ed25519'); `jwk(kid)`
// is its public JWK as a client registers it.
export function newKey(type = 'ec') {
  const { publicKey, privateKey } = {
    ec: () => crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }),
    ec384: () => crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' }),
    rsa: () => crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }),
    ed25519: () => crypto.generateKeyPairSync('ed25519'),
  }[type]();
  const alg = { ec: 'ES256', ec384: 'ES384', rsa: 'RS256', ed25519: 'EdDSA' }[type];
  return {
    publicKey,
    privateKey,
    alg,
    jwk: (kid) => ({ ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' }),
    pem: () => publicKey.export({ type: 'spki', format: 'pem' }),
  };
}

// A JWT grant (RFC 7523) for `clientId`, signed ES256 with `key` under `kid`;
// `claims` are added to the payload (authorization_details, pid).
export function signGrant({ issuer, clientId, key, kid, scopes, claims = {} }) {
  const now = Math.floor(Date.now() / 1000);
  const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${part({ alg: 'ES256', kid })}.${part({
    iss: clientId, aud: issuer, iat: now, exp: now + 60, jti: crypto.randomUUID(), scope: scopes.join(' '), ...claims,
  })}`;
  const signature = crypto.sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

// One request over its own connection, written as given: `head` is the
// request line and headers without the blank line. Answers {status,
// headers, body} once the server has answered and closed.
export function rawRequest(port, head) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks = [];
    socket.on('connect', () => socket.write(`${head}\r\n\r\n`));
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const lines = text.slice(0, split).split('\r\n');
      const fields = new Map(lines.slice(1).map((l) => {
        const colon = l.indexOf(':');
        return [l.slice(0, colon).trim().toLowerCase(), l.slice(colon + 1).trim()];
      }));
      resolve({
        status: Number(lines[0].split(' ')[1]),
        headers: { get: (n) => fields.get(n) ?? null, has: (n) => fields.has(n) },
        body: text.slice(split + 4),
      });
    });
  });
}
