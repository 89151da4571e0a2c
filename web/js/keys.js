// SPDX-License-Identifier: Apache-2.0
// Private keys in the browser (WebCrypto): read from a PEM PKCS#8 or JWK
// text, or generated. A key read here stays in this page's memory; nothing
// here sends it anywhere.
import { base64url } from './jwt.js';

const RSA = (hash) => ({ name: 'RSASSA-PKCS1-v1_5', hash });
const EC = { name: 'ECDSA', namedCurve: 'P-256' };
const RSA_ALGS = { RS256: 'SHA-256', RS384: 'SHA-384', RS512: 'SHA-512' };

export class KeyError extends Error {}

function pemBody(text, label) {
  const m = text.match(new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`));
  if (!m) return null;
  const bin = atob(m[1].replace(/\s+/g, ''));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

function toPem(label, der) {
  const b64 = btoa(String.fromCharCode(...new Uint8Array(der)));
  return `-----BEGIN ${label}-----\n${b64.match(/.{1,64}/g).join('\n')}\n-----END ${label}-----\n`;
}

// RFC 7638: the SHA-256 of the key's required public members, in order.
export async function thumbprint(jwk) {
  const members = jwk.kty === 'RSA'
    ? { e: jwk.e, kty: 'RSA', n: jwk.n }
    : { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(JSON.stringify(members)));
  return base64url(digest);
}

function publicOf(jwk) {
  return jwk.kty === 'RSA'
    ? { kty: 'RSA', n: jwk.n, e: jwk.e }
    : { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y };
}

// {cryptoKey, alg, kid, publicJwk} from what a person picked or pasted.
export async function readPrivateKey(text) {
  text = String(text || '').trim();
  if (!text) throw new KeyError('key.empty');
  if (text.startsWith('{')) return readJwk(text);
  if (/-----BEGIN (RSA |EC )PRIVATE KEY-----/.test(text)) throw new KeyError('key.not_pkcs8');
  if (text.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----')) throw new KeyError('key.encrypted');
  if (/-----BEGIN (PUBLIC KEY|CERTIFICATE|RSA PUBLIC KEY)-----/.test(text)) {
    throw new KeyError('key.public');
  }
  const der = pemBody(text, 'PRIVATE KEY');
  if (!der) throw new KeyError('key.unknown');
  for (const [params, alg] of [[RSA('SHA-256'), 'RS256'], [EC, 'ES256']]) {
    try {
      const cryptoKey = await crypto.subtle.importKey('pkcs8', der, params, true, ['sign']);
      const jwk = await crypto.subtle.exportKey('jwk', cryptoKey);
      return { cryptoKey, alg, kid: await thumbprint(jwk), publicJwk: publicOf(jwk) };
    } catch {
      // not this type: try the next
    }
  }
  throw new KeyError('key.unsupported');
}

async function readJwk(text) {
  let jwk;
  try {
    jwk = JSON.parse(text);
  } catch {
    throw new KeyError('key.bad_json');
  }
  if (jwk && Array.isArray(jwk.keys)) {
    if (jwk.keys.length !== 1) throw new KeyError('key.set_size');
    [jwk] = jwk.keys;
  }
  if (!jwk || typeof jwk !== 'object' || !jwk.kty) throw new KeyError('key.unknown');
  if (!jwk.d) throw new KeyError('key.public');
  let params;
  let alg;
  if (jwk.kty === 'RSA') {
    alg = jwk.alg || 'RS256';
    if (!RSA_ALGS[alg]) throw new KeyError('key.unsupported');
    params = RSA(RSA_ALGS[alg]);
  } else if (jwk.kty === 'EC' && jwk.crv === 'P-256') {
    alg = 'ES256';
    params = EC;
  } else {
    throw new KeyError('key.unsupported');
  }
  const clean = { ...jwk };
  delete clean.alg;  // WebCrypto checks alg against its own names
  delete clean.use;
  delete clean.key_ops;
  let cryptoKey;
  try {
    cryptoKey = await crypto.subtle.importKey('jwk', clean, params, true, ['sign']);
  } catch {
    throw new KeyError('key.unsupported');
  }
  return { cryptoKey, alg, kid: jwk.kid || (await thumbprint(jwk)), publicJwk: publicOf(jwk) };
}

// A new RSA 2048 key pair for RS256, what Maskinporten accepts:
// {privatePem, publicJwk} with kid (the thumbprint), alg and use set.
export async function generateKeyPair() {
  const pair = await crypto.subtle.generateKey(
    { ...RSA('SHA-256'), modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
    true, ['sign', 'verify']);
  const privatePem = toPem('PRIVATE KEY', await crypto.subtle.exportKey('pkcs8', pair.privateKey));
  const jwk = publicOf(await crypto.subtle.exportKey('jwk', pair.publicKey));
  return { privatePem, publicJwk: { ...jwk, kid: await thumbprint(jwk), alg: 'RS256', use: 'sig' } };
}
