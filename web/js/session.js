// SPDX-License-Identifier: Apache-2.0
// Who is signed in. An organisation signs in with its administration client
// (a client id and its private key, read into memory here and never sent)
// or with a pasted access token. The token is kept in memory only; with a
// key, a new grant is signed when the token runs out.
import { ApiError, api, exchangeGrant, serverMetadata } from './api.js';
import { decodeJwt, randomId, signJwt } from './jwt.js';
import { readPrivateKey } from './keys.js';

export const ADMIN_SCOPES = [
  'idporten:scopes.write', 'idporten:dcr.read', 'idporten:dcr.write', 'idporten:dcr.modify',
];

let current = null;  // {token, expires, scopes, org, clientId, key}
const listeners = new Set();

export function onSessionChange(listener) {
  listeners.add(listener);
}

function changed() {
  for (const listener of listeners) listener(current);
}

export function session() {
  return current;
}

export function can(scope) {
  return Boolean(current && current.scopes.includes(scope));
}

export const canRead = () => ['idporten:dcr.read', 'idporten:dcr.write', 'idporten:dcr.modify'].some(can);
export const canChange = () => ['idporten:dcr.write', 'idporten:dcr.modify'].some(can);
export const canCreate = () => can('idporten:dcr.write');
export const canProvide = () => can('idporten:scopes.write');

// What a token says of itself (unverified: for display; the API checks it).
function describe(accessToken, response) {
  let claims = {};
  try {
    claims = decodeJwt(accessToken).claims;
  } catch {
    // an opaque token: only the token response tells
  }
  const scopeText = (response && response.scope) || claims.scope || '';
  const id = claims.consumer && typeof claims.consumer.ID === 'string' ? claims.consumer.ID : '';
  const now = Date.now() / 1000;
  return {
    token: accessToken,
    scopes: scopeText.split(' ').filter(Boolean),
    org: id.includes(':') ? id.split(':')[1] : id,
    expires: response && response.expires_in ? now + response.expires_in : claims.exp || now,
    clientId: claims.client_id || '',
  };
}

// A token for `scopes` with the held key, or the token endpoint's ApiError.
async function tokenFor(clientId, key, scopes) {
  const { issuer } = await serverMetadata();
  const now = Math.floor(Date.now() / 1000);
  const grant = await signJwt(key, {
    iss: clientId, aud: issuer, iat: now, exp: now + 60, jti: randomId(), scope: scopes.join(' '),
  });
  return exchangeGrant(grant);
}

// The admin scopes a client got in this browser within the last day (scope
// names only: neither the key nor a token is ever stored). After a day the
// page asks for all four again, so that scopes granted since are found.
const REMEMBER_MS = 86400 * 1000;
const memoryKey = (clientId) => `mpctl.admin-scopes.${clientId}`;
const remembered = (clientId) => {
  try {
    const { scopes, at } = JSON.parse(localStorage.getItem(memoryKey(clientId))) || {};
    const fresh = Date.now() - at < REMEMBER_MS;
    return fresh && Array.isArray(scopes) && scopes.length && scopes.every((s) => ADMIN_SCOPES.includes(s))
      ? scopes : null;
  } catch {
    return null;
  }
};

// The admin scopes the client holds. The token endpoint refuses a request
// with a scope the client may not use and names that scope (MP-200, or
// MP-250 when its org lacks access): leave it out and ask again.
async function adminToken(clientId, key) {
  let wanted = remembered(clientId);
  let fromMemory = Boolean(wanted);
  wanted ||= ADMIN_SCOPES;
  for (;;) {
    try {
      const response = await tokenFor(clientId, key, wanted);
      if (!fromMemory) localStorage.setItem(memoryKey(clientId), JSON.stringify({ scopes: wanted, at: Date.now() }));
      return response;
    } catch (e) {
      const refused = e instanceof ApiError && (e.error === 'invalid_scope' || e.status === 403)
        ? wanted.filter((s) => e.description.includes(s)) : [];
      if (refused.length > 0 && refused.length < wanted.length) {
        wanted = wanted.filter((s) => !refused.includes(s));  // fewer each time: this ends
      } else if (fromMemory) {
        fromMemory = false;  // the client's scopes changed since: start from all four
        wanted = ADMIN_SCOPES;
      } else {
        throw e;
      }
    }
  }
}

export async function signInWithKey(clientId, keyText) {
  const key = await readPrivateKey(keyText);
  const response = await adminToken(clientId.trim(), key);
  current = { ...describe(response.access_token, response), clientId: clientId.trim(), key };
  changed();
  return current;
}

export function signInWithToken(token) {
  const described = describe(token.trim(), null);
  current = { ...described, key: null };
  changed();
  return current;
}

export function signOut() {
  current = null;
  changed();
}

export class SessionExpired extends Error {}

// The token to call the API with: renewed with the key when it has run out
// (or is about to), else SessionExpired for a pasted one.
let renewal = null;  // {from, promise}: one new grant however many calls wait for it

export async function accessToken() {
  const s = current;
  if (!s) throw new SessionExpired('signed out');
  if (s.expires - Date.now() / 1000 > 5) return s.token;
  if (!s.key) throw new SessionExpired('expired');
  if (!renewal || renewal.from !== s) {
    renewal = { from: s, promise: tokenFor(s.clientId, s.key, s.scopes) };
    renewal.promise.catch(() => { renewal = null; });
  }
  const response = await renewal.promise;
  if (current === s) {
    current = { ...s, ...describe(response.access_token, response), key: s.key, clientId: s.clientId };
    changed();
  }
  // Signed out, or in with another key, while the grant was on its way: not theirs.
  if (!current || current.key !== s.key) throw new SessionExpired('signed out');
  return current.token;
}

// The self-service API with the session's token.
export async function call(method, path, options = {}) {
  return api(method, path, { ...options, token: await accessToken() });
}
