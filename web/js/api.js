// SPDX-License-Identifier: Apache-2.0
// The server's HTTP interfaces, as the page calls them: the self-service
// API, the token endpoint and the public metadata. Paths are relative to
// the page (it is served at <issuer path>/app/), so the page works under an
// issuer with a path and never calls another origin.

const root = new URL('../', document.baseURI);

export function serverUrl(path) {
  return new URL(path.replace(/^\//, ''), root).href;
}

// A refusal by the server: its HTTP status, OAuth error, description, and
// for the token endpoint the MP code (the last segment of error_uri).
export class ApiError extends Error {
  constructor(status, body) {
    const description = (body && body.error_description) || `HTTP ${status}`;
    super(description);
    this.status = status;
    this.error = (body && body.error) || '';
    this.description = description;
    this.errorUri = (body && body.error_uri) || '';
    this.code = this.errorUri ? this.errorUri.split('/').pop() : '';
  }
}

async function parse(response) {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return { error: 'server_error', error_description: text.slice(0, 200) };
  }
}

// fetch() that answers the parsed JSON body, or throws ApiError.
export async function call(method, path, { token, json, text, form } = {}) {
  const headers = {};
  let body;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (text !== undefined) {
    headers['Content-Type'] = 'text/plain';
    body = text;
  } else if (form !== undefined) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(form).toString();
  }
  const response = await fetch(serverUrl(path), { method, headers, body, cache: 'no-store' });
  const parsed = await parse(response);
  if (!response.ok) throw new ApiError(response.status, parsed);
  return parsed;
}

// The self-service API under /api.
export const api = (method, path, options) => call(method, `api${path}`, options);

let metadata;
export async function serverMetadata() {
  metadata ??= await call('GET', '.well-known/oauth-authorization-server');
  return metadata;
}

// POST /token with a signed grant: the token response, or ApiError.
export function exchangeGrant(assertion) {
  return call('POST', 'token', {
    form: { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion },
  });
}
