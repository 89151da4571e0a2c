// SPDX-License-Identifier: Apache-2.0
// JWTs in the browser: base64url, decoding, and signing with WebCrypto.

export function base64url(bytes) {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let s = '';
  for (let i = 0; i < u8.length; i += 0x8000) {
    s += String.fromCharCode(...u8.subarray(i, i + 0x8000));
  }
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64url(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

const utf8 = new TextEncoder();

// {header, claims} of a JWT, without checking anything; throws on a text
// that is not three base64url parts of JSON objects.
export function decodeJwt(token) {
  const parts = String(token).trim().split('.');
  if (parts.length !== 3) throw new Error('not a JWT: it needs three parts separated by dots');
  const json = (part) => {
    const value = JSON.parse(new TextDecoder().decode(fromBase64url(part)));
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      throw new Error('not a JWT: a part is not a JSON object');
    }
    return value;
  };
  return { header: json(parts[0]), claims: json(parts[1]) };
}

// A signed JWT. `key` is from keys.js: {cryptoKey, alg, kid}.
export async function signJwt(key, claims) {
  const header = { alg: key.alg, typ: 'JWT', kid: key.kid };
  const input = `${base64url(utf8.encode(JSON.stringify(header)))}.${base64url(utf8.encode(JSON.stringify(claims)))}`;
  const params = key.alg === 'ES256'
    ? { name: 'ECDSA', hash: 'SHA-256' }  // WebCrypto gives r||s, as JWS wants
    : { name: 'RSASSA-PKCS1-v1_5' };
  const signature = await crypto.subtle.sign(params, key.cryptoKey, utf8.encode(input));
  return `${input}.${base64url(signature)}`;
}

// A random jti.
export function randomId() {
  return crypto.randomUUID();
}
