// SPDX-License-Identifier: Apache-2.0
// docs/openapi.json held to the server. The document must be valid OpenAPI
// 3.1, and a real `mpctl serve` on a fresh store must answer as it says:
// every documented operation is called, for success and for the errors a
// client meets, and every answer's status, headers, content type and body
// must be the ones documented for that operation (checker.mjs). What the
// server accepts, the document must accept too (security, parameters,
// bodies); some bodies the server refuses, the document must refuse too.
// The security requirements are probed for every operation: no token is
// 401, a token without the listed admin scopes is 403, and each listed
// scope is enough. Every error under /api carries Digdir's ApiErrorResponse
// fields too, which must repeat mpctl's own.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Checker } from './checker.mjs';
import { newKey, rawRequest, repo, signGrant, startServer } from './server.mjs';

const PROVIDER = '974761076';
const CONSUMER = '910000004';
const SUPPLIER = '920000002';
const OTHER = '930000000';
const CUSTOMER = '940000009';  // approves a system user for CONSUMER's system
const ADMIN = ['idporten:scopes.write', 'idporten:dcr.read', 'idporten:dcr.write', 'idporten:dcr.modify'];
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

const documentPath = path.join(repo, 'docs', 'openapi.json');
const doc = JSON.parse(fs.readFileSync(documentPath, 'utf8'));
const checker = new Checker(doc);

let server;
let base;  // from the served document's `servers`, as a client tool would take it
const adminKey = newKey('ec');
const clients = {};  // name -> client_id
const tokens = new Map();

before(async () => {
  server = await startServer();
  base = server.issuer.replace(/\/$/, '');
  const { mpctl } = server;
  // The bootstrap only the operator can do; the rest goes through the API.
  mpctl('prefix', 'add', 'acme', PROVIDER);
  mpctl('scope', 'create', 'acme:data', '--description', 'Data');
  mpctl('access', 'grant', 'acme:data', CONSUMER);
  mpctl('prefix', 'add', 'other', OTHER);
  mpctl('scope', 'create', 'other:pub', '--description', 'Another organisation\'s');
  mpctl('access', 'grant', 'idporten:scopes.write', PROVIDER);
  for (const scope of ADMIN) {
    mpctl('access', 'grant', scope, CONSUMER);
    mpctl('access', 'grant', scope, CUSTOMER);
  }
  fs.writeFileSync(server.file('admin.jwk'), JSON.stringify(adminKey.jwk('admin')));
  const register = (name, org, scopes) => {
    clients[name] = mpctl('client', 'register', '--org', org, '--name', name, '--output', 'id',
      ...scopes.flatMap((s) => ['--scope', s]));
    mpctl('client', 'keys', 'add', clients[name], '--key', server.file('admin.jwk'));
  };
  register('provider-admin', PROVIDER, ['idporten:scopes.write']);
  register('consumer-admin', CONSUMER, ADMIN);
  register('consumer-app', CONSUMER, ['acme:data']);
  register('customer-admin', CUSTOMER, ADMIN);
});

after(async () => {
  await server?.stop();
});

// One exchange, checked against the document; fails the test on any
// problem, and unless the status is `expect`. Options: token (from
// token()), json (a body sent as application/json), text and contentType
// (a body as given), form (an object sent as a form), schemaRejects (the
// document must refuse this body, as the server does).
async function call(method, target, { token, json, text, contentType, form, expect, schemaRejects } = {}) {
  const headers = {};
  let body;
  let sent;
  if (token) headers.Authorization = `Bearer ${token.value}`;
  if (json !== undefined) {
    headers['Content-Type'] = contentType ?? 'application/json';
    body = JSON.stringify(json);
    sent = json;
  } else if (form !== undefined) {
    headers['Content-Type'] = contentType ?? 'application/x-www-form-urlencoded';
    body = new URLSearchParams(form).toString();
    sent = body;
  } else if (text !== undefined) {
    headers['Content-Type'] = contentType;
    body = text;
    sent = text;
  }
  const r = await fetch(`${base}${target}`, { method, headers, body, redirect: 'manual' });
  const res = { status: r.status, headers: r.headers, body: await r.text() };
  const url = new URL(target, 'http://x');
  const problems = checker.check({
    method, path: url.pathname, query: url.searchParams, token, body: sent,
    contentType: headers['Content-Type'], schemaRejects,
  }, res);
  assert.deepEqual(problems, []);
  if (expect !== undefined) {
    assert.equal(res.status, expect, `${method} ${target}: ${res.body}`);
  }
  const type = res.headers.get('content-type') ?? '';
  const parsed = /json/.test(type) && res.body ? JSON.parse(res.body) : undefined;
  if (url.pathname.startsWith('/api/') && res.status >= 400 && parsed?.trace_id) {
    // Digdir's ApiErrorResponse fields repeat mpctl's (the schema has their shapes).
    assert.equal(parsed.status, res.status);
    assert.equal(parsed.correlation_id, parsed.trace_id);
    assert.equal(res.headers.get('x-trace-id'), parsed.trace_id);
    assert.deepEqual(parsed.errors, [{ errorMessage: parsed.error_description }]);
    assert.ok(Math.abs(Date.parse(parsed.timestamp) - Date.now()) < 120000, parsed.timestamp);
  }
  return { ...res, json: parsed };
}

// An access token of this server for client `name` with `scopes`, from
// POST /token (each one checked as any other answer); {value, scopes}.
async function token(name, scopes) {
  const key = `${name} ${scopes.join(' ')}`;
  if (!tokens.has(key)) {
    const assertion = signGrant({ issuer: server.issuer, clientId: clients[name], key: adminKey, kid: 'admin', scopes });
    const r = await call('POST', '/token', { form: { grant_type: JWT_BEARER, assertion }, expect: 200 });
    tokens.set(key, { value: r.json.access_token, scopes: r.json.scope.split(' ') });
  }
  return tokens.get(key);
}
const provider = () => token('provider-admin', ['idporten:scopes.write']);
const consumer = (scope = 'dcr.write') => token('consumer-admin', [`idporten:${scope}`]);
const customer = (scope = 'dcr.write') => token('customer-admin', [`idporten:${scope}`]);

test('docs/openapi.json is valid OpenAPI 3.1', async () => {
  const validator = new Validator();
  const result = await validator.validate(structuredClone(doc));
  assert.deepEqual(result.errors, undefined);
  assert.equal(result.valid, true);
  assert.equal(validator.version, '3.1');
  // Every schema the checker uses compiles (strict: a misspelt keyword fails).
  for (const o of checker.operations) {
    for (const status of Object.keys(o.op.responses)) {
      const [response, pointer] = checker.resolve(o.op.responses[status], `${o.pointer}/responses/${status}`);
      for (const type of Object.keys(response.content ?? {})) {
        assert.ok(checker.ajv.getSchema(`openapi#${pointer}/content/${type.replaceAll('/', '~1')}/schema`), `${o.key} ${status}`);
      }
    }
  }
});

test('the served document is the repository\'s, pointed at the issuer', async () => {
  const r = await call('GET', '/api/v1/openapi.json', { expect: 200 });
  assert.equal(r.headers.get('content-type'), 'application/json');
  const served = r.json;
  assert.deepEqual(served.servers.map((s) => s.url), [server.issuer.replace(/\/$/, '')]);
  assert.deepEqual({ ...served, servers: null }, { ...doc, servers: null });
  base = served.servers[0].url;
  const version = fs.readFileSync(path.join(repo, 'meson.build'), 'utf8').match(/^\s*version: '([^']+)'/m)[1];
  assert.equal(served.info.version, version);
});

test('the public endpoints', async () => {
  const m = await call('GET', '/.well-known/oauth-authorization-server', { expect: 200 });
  assert.equal(m.json.issuer, server.issuer);
  await call('POST', '/.well-known/oauth-authorization-server', { expect: 405 });
  await call('GET', '/jwk', { expect: 200 });
  await call('DELETE', '/jwk', { expect: 405 });
  await call('GET', '/healthz', { expect: 200 });
  await call('POST', '/healthz', { expect: 405 });
  const metrics = await call('GET', '/metrics', { expect: 200 });
  assert.match(metrics.body, /mpctl_http_requests_total/);
  await call('PUT', '/metrics', { expect: 405 });
  await call('POST', '/api/v1/openapi.json', { expect: 405 });
  // The registry file's JSON Schema (mpctl apply), as the repository has it.
  const schema = await call('GET', '/api/v1/registry.schema.json', { expect: 200 });
  assert.equal(schema.headers.get('content-type'), 'application/schema+json');
  assert.deepEqual(JSON.parse(schema.body), JSON.parse(fs.readFileSync(path.join(repo, 'docs', 'registry.schema.json'), 'utf8')));
  await call('POST', '/api/v1/registry.schema.json', { expect: 405 });

  // The token endpoint and its refusals.
  const app = await token('consumer-app', ['acme:data']);
  const grant = signGrant({ issuer: server.issuer, clientId: clients['consumer-app'], key: adminKey, kid: 'admin', scopes: ['acme:data'] });
  await call('POST', '/token', { form: { grant_type: JWT_BEARER, assertion: grant }, expect: 200 });
  const replay = await call('POST', '/token', { form: { grant_type: JWT_BEARER, assertion: grant }, expect: 400 });
  assert.match(replay.json.error_uri, /MP-012$/);
  const unsupported = await call('POST', '/token', { form: { grant_type: 'client_credentials', assertion: grant }, expect: 400 });
  assert.equal(unsupported.json.error, 'unsupported_grant_type');
  await call('POST', '/token', { form: { grant_type: JWT_BEARER, assertion: 'not.a.jwt' }, expect: 400 });
  await call('POST', '/token', { form: { grant_type: JWT_BEARER }, expect: 400 });
  await call('POST', '/token', { text: `grant_type=${JWT_BEARER}`, contentType: 'text/plain', expect: 400 });
  await call('GET', '/token', { expect: 405 });

  // Introspection, by the provider whose scope the token carries.
  const p = await provider();
  const active = await call('POST', '/introspect', { token: p, form: { token: app.value }, expect: 200 });
  assert.equal(active.json.active, true);
  assert.deepEqual(active.json.consumer, { authority: 'iso6523-actorid-upis', ID: `0192:${CONSUMER}` });
  assert.equal(active.headers.get('cache-control'), 'no-store');
  const inactive = await call('POST', '/introspect', { token: p, form: { token: 'no-such-token' }, expect: 200 });
  assert.deepEqual(inactive.json, { active: false });
  // Someone else's scopes: as good as unknown to this caller.
  const other = await call('POST', '/introspect', { token: await consumer(), form: { token: app.value }, expect: 200 });
  assert.deepEqual(other.json, { active: false });
  await call('POST', '/introspect', { token: p, form: { tok: app.value }, expect: 400 });
  await call('POST', '/introspect', { token: p, json: { token: app.value }, expect: 400 });
  await call('POST', '/introspect', { form: { token: app.value }, expect: 401 });
  await call('POST', '/introspect', { token: { value: 'forged', scopes: [] }, form: { token: app.value }, expect: 401 });
  await call('GET', '/introspect', { token: p, expect: 405 });
});

const scopeBody = (name, description = 'Weather data') => ({ name, description });

// nais/digdirator's scope registration, as Go's encoding/json writes it:
// "name": "" beside prefix and subscope, Digdir's person-facing flags false.
const digdiratorScope = (subscope) => ({
  accessible_for_all: false, active: true, allowed_integration_types: ['maskinporten'], at_max_age: 30,
  description: 'product - test:team:app', name: '', prefix: 'acme', requires_pseudonymous_tokens: false,
  requires_user_authentication: false, requires_user_consent: false, subscope,
  token_type: 'SELF_CONTAINED', visibility: 'PUBLIC',
});

test('scopes, prefixes and access, as their provider', async () => {
  const p = await provider();
  const created = await call('POST', '/api/v1/scopes', {
    token: p, expect: 200,
    json: { prefix: 'acme', subscope: 'weather', description: 'Weather', long_description: 'Hourly.\nDaily.', delegation_source: 'https://altinn.example' },
  });
  assert.equal(created.json.name, 'acme:weather');
  assert.equal(created.json.requires_user_consent, false);
  assert.equal(created.json.authorization_max_lifetime, 0);
  await call('POST', '/api/v1/scopes', {
    token: p, expect: 200,
    json: { name: 'acme:archive', description: 'The archive', token_type: 'OPAQUE', at_max_age: 60, visibility: 'PRIVATE',
      accessible_for_all: false, delegation_source: null, allowed_integration_types: ['maskinporten', 'api_klient'] },
  });
  const digdirator = await call('POST', '/api/v1/scopes', { token: p, json: digdiratorScope('digdirator'), expect: 200 });
  assert.equal(digdirator.json.name, 'acme:digdirator');
  assert.equal(digdirator.json.at_max_age, 30);
  // Digdir's other fields: kept, "none" in Digdir's terms, or ignored.
  const digdir = await call('POST', '/api/v1/scopes', {
    token: p, expect: 200,
    json: { name: 'acme:digdir', description: 'Digdir\'s fields', delegation_source: '', allowed_integration_types: [],
      authorization_max_lifetime: 600, enforced_aud_for_access_token: '', protected: false, supports_european_businesses: false,
      requires_user_consent: null, owner_orgno: OTHER, created: '2021-09-15T10:20:43.354+02:00', last_updated: null },
  });
  assert.equal(digdir.json.delegation_source, null);
  assert.deepEqual(digdir.json.allowed_integration_types, ['maskinporten']);
  assert.equal(digdir.json.authorization_max_lifetime, 600);
  assert.equal(digdir.json.owner_orgno, PROVIDER);
  for (const field of ['enforced_aud_for_access_token', 'protected', 'supports_european_businesses']) {
    assert.ok(!(field in digdir.json), field);
  }
  // null is a field not given.
  const nulls = await call('POST', '/api/v1/scopes', {
    token: p, expect: 200,
    json: { name: 'acme:nulls', prefix: null, subscope: null, description: 'Nulls', long_description: null, token_type: null,
      at_max_age: null, visibility: null, accessible_for_all: null, delegation_source: null, allowed_integration_types: null,
      active: null, authorization_max_lifetime: null },
  });
  assert.deepEqual([nulls.json.token_type, nulls.json.visibility, nulls.json.active], ['SELF_CONTAINED', 'PUBLIC', true]);
  // A scope whose delegation source is this server's issuer is delegated here ("altinn").
  await call('POST', '/api/v1/scopes', { token: p, json: { name: 'acme:delegated', description: 'x', delegation_source: server.issuer }, expect: 200 });
  // Created deactivated; reactivated (and deactivated) by PUT.
  const dormant = await call('POST', '/api/v1/scopes', { token: p, json: { ...scopeBody('acme:dormant'), active: false }, expect: 200 });
  assert.equal(dormant.json.active, false);
  await call('PUT', '/api/v1/scopes?scope=acme:dormant', { token: p, json: scopeBody('acme:dormant'), expect: 409 });
  const woken = await call('PUT', '/api/v1/scopes?scope=acme:dormant', { token: p, json: { ...scopeBody('acme:dormant'), active: true }, expect: 200 });
  assert.equal(woken.json.active, true);
  const asleep = await call('PUT', '/api/v1/scopes?scope=acme:dormant', { token: p, json: { ...scopeBody('acme:dormant'), active: false }, expect: 200 });
  assert.equal(asleep.json.active, false);
  const still = await call('DELETE', '/api/v1/scopes?scope=acme:dormant', { token: p, expect: 200 });
  assert.deepEqual(still.json, asleep.json);

  await call('POST', '/api/v1/scopes', { token: p, json: scopeBody('acme:weather'), expect: 409 });
  const typo = await call('POST', '/api/v1/scopes', { token: p, json: { ...scopeBody('acme:x'), descripton: 'typo' }, expect: 400, schemaRejects: true });
  assert.equal(typo.json.error_description, 'unknown field "descripton"');
  await call('POST', '/api/v1/scopes', { token: p, json: { prefix: 'acme', description: 'x' }, expect: 400, schemaRejects: true });
  await call('POST', '/api/v1/scopes', { token: p, json: { name: 'acme:x', prefix: null, subscope: 'x', description: 'x' }, expect: 400, schemaRejects: true });
  await call('POST', '/api/v1/scopes', { token: p, json: { name: '', description: 'x' }, expect: 400, schemaRejects: true });
  await call('POST', '/api/v1/scopes', { token: p, json: { name: 'acme:x' }, expect: 400, schemaRejects: true });
  await call('POST', '/api/v1/scopes', { token: p, json: { name: 'acme:x', description: null }, expect: 400, schemaRejects: true });
  await call('POST', '/api/v1/scopes', { token: p, json: { ...scopeBody('acme:x'), at_max_age: '60' }, expect: 400, schemaRejects: true });
  await call('POST', '/api/v1/scopes', { token: p, json: { ...scopeBody('acme:x'), visibility: 'INTERNAL' }, expect: 400, schemaRejects: true });
  for (const [field, value] of [
    ['requires_user_consent', true], ['requires_user_authentication', true], ['requires_pseudonymous_tokens', true],
    ['enforced_aud_for_access_token', 'https://api.example'], ['protected', true], ['supports_european_businesses', true],
    ['authorization_max_lifetime', -1], ['active', 'yes'],
  ]) {
    const r = await call('POST', '/api/v1/scopes', { token: p, json: { ...scopeBody('acme:x'), [field]: value }, expect: 400, schemaRejects: true });
    assert.match(r.json.error_description, new RegExp(`"${field}"`));
  }
  await call('POST', '/api/v1/scopes', { token: p, json: scopeBody('nobody:x'), expect: 404 });
  await call('POST', '/api/v1/scopes', { token: p, json: scopeBody('idporten:x'), expect: 403 });
  await call('POST', '/api/v1/scopes', { token: p, text: 'name=acme:x', contentType: 'text/plain', expect: 415 });
  await call('POST', '/api/v1/scopes', { token: p, text: '{"name":', contentType: 'application/json', expect: 400 });

  const own = await call('GET', '/api/v1/scopes', { token: p, expect: 200 });
  assert.deepEqual(own.json.map((s) => s.name).sort(),
    ['acme:archive', 'acme:data', 'acme:delegated', 'acme:digdir', 'acme:digdirator', 'acme:nulls', 'acme:weather']);
  const everyOwn = await call('GET', '/api/v1/scopes?inactive=true', { token: p, expect: 200 });
  assert.ok(everyOwn.json.some((s) => s.name === 'acme:dormant' && !s.active));
  await call('GET', '/api/v1/scopes?inactive=maybe', { token: p, expect: 400 });
  const one = await call('GET', '/api/v1/scopes?scope=acme:weather', { token: p, expect: 200 });
  await call('GET', '/api/v1/scopes?scope=idporten:dcr.read', { token: p, expect: 404 });
  await call('PUT', '/api/v1/scopes?scope=acme:weather', { token: p, json: { ...one.json, description: 'Weather, again' }, expect: 200 });
  const kept = await call('PUT', '/api/v1/scopes?scope=acme:digdir', {
    token: p, expect: 200, json: { ...digdir.json, prefix: 'acme', subscope: 'digdir', name: '', authorization_max_lifetime: 60 },
  });
  assert.equal(kept.json.authorization_max_lifetime, 60);
  await call('PUT', '/api/v1/scopes?scope=acme:digdirator', { token: p, json: digdiratorScope('digdirator'), expect: 200 });
  await call('PUT', '/api/v1/scopes?scope=acme:weather', { token: p, json: { token_type: 'OPAQUE' }, expect: 400, schemaRejects: true });
  await call('PUT', '/api/v1/scopes?scope=acme:weather', { token: p, json: { ...scopeBody('acme:weather'), protected: true }, expect: 400, schemaRejects: true });
  await call('PUT', '/api/v1/scopes?scope=acme:weather', { token: p, json: scopeBody('acme:other'), expect: 400 });
  await call('PUT', '/api/v1/scopes?scope=acme:nothing', { token: p, json: scopeBody('acme:nothing'), expect: 404 });
  await call('PUT', '/api/v1/scopes', { token: p, json: scopeBody('acme:weather'), expect: 400 });
  await call('PUT', '/api/v1/scopes?scope=acme:weather', { token: p, text: 'description=x', contentType: 'text/plain', expect: 415 });
  const archived = await call('DELETE', '/api/v1/scopes?scope=acme:archive', { token: p, expect: 200 });
  assert.equal(archived.json.active, false);
  // Deactivating again is no error (digdirator does it): the scope as it is.
  const again = await call('DELETE', '/api/v1/scopes?scope=acme:archive', { token: p, expect: 200 });
  assert.deepEqual(again.json, archived.json);
  await call('PUT', '/api/v1/scopes?scope=acme:archive', { token: p, json: scopeBody('acme:archive'), expect: 409 });
  await call('DELETE', '/api/v1/scopes', { token: p, expect: 400 });
  await call('DELETE', '/api/v1/scopes?scope=acme:nothing', { token: p, expect: 404 });
  // Another organisation's PUBLIC scope: the caller sees it, but may not change it.
  for (const [method, target, json] of [
    ['PUT', '/api/v1/scopes?scope=other:pub', scopeBody('other:pub')],
    ['DELETE', '/api/v1/scopes?scope=other:pub'],
    ['GET', '/api/v1/scopes/access?scope=other:pub'],
    ['PUT', `/api/v1/scopes/access/${CONSUMER}?scope=other:pub`],
    ['DELETE', `/api/v1/scopes/access/${CONSUMER}?scope=other:pub`],
  ]) {
    const r = await call(method, target, { token: p, json, expect: 403 });
    assert.equal(r.json.error, 'forbidden');
  }

  const all = await call('GET', '/api/v1/scopes/all', { token: await consumer('dcr.read'), expect: 200 });
  assert.ok(all.json.some((s) => s.name === 'acme:weather'));
  await call('GET', '/api/v1/scopes/all?accessible_for_all=true', { token: p, expect: 200 });
  await call('GET', '/api/v1/scopes/all?accessible_for_all=1', { token: p, expect: 400 });
  const prefixes = await call('GET', '/api/v1/prefix', { token: p, expect: 200 });
  assert.deepEqual(prefixes.json.map((x) => x.prefix), ['acme']);

  const granted = await call('PUT', `/api/v1/scopes/access/${CONSUMER}?scope=acme:weather`, { token: p, expect: 200 });
  assert.equal(granted.json.state, 'APPROVED');
  await call('PUT', `/api/v1/scopes/access/123456789?scope=acme:weather`, { token: p, expect: 400 });
  await call('PUT', `/api/v1/scopes/access/${CONSUMER}`, { token: p, expect: 400 });
  await call('PUT', `/api/v1/scopes/access/${CONSUMER}?scope=acme:archive`, { token: p, expect: 409 });
  await call('PUT', `/api/v1/scopes/access/${CONSUMER}?scope=acme:nothing`, { token: p, expect: 404 });
  const list = await call('GET', '/api/v1/scopes/access?scope=acme:weather', { token: p, expect: 200 });
  assert.deepEqual(list.json.map((a) => a.consumer_orgno), [CONSUMER]);
  await call('GET', '/api/v1/scopes/access', { token: p, expect: 400 });
  await call('GET', '/api/v1/scopes/access?scope=acme:nothing', { token: p, expect: 404 });
  // Access never given is 404; access taken away is DENIED, and stays so.
  await call('DELETE', `/api/v1/scopes/access/${SUPPLIER}?scope=acme:weather`, { token: p, expect: 404 });
  await call('DELETE', '/api/v1/scopes/access/91000000?scope=acme:weather', { token: p, expect: 400 });
  await call('PUT', `/api/v1/scopes/access/${OTHER}?scope=acme:weather`, { token: p, expect: 200 });
  const revoked = await call('DELETE', `/api/v1/scopes/access/${OTHER}?scope=acme:weather`, { token: p, expect: 200 });
  assert.equal(revoked.json.state, 'DENIED');
  const twice = await call('DELETE', `/api/v1/scopes/access/${OTHER}?scope=acme:weather`, { token: p, expect: 200 });
  assert.deepEqual(twice.json, revoked.json);
  const denied = await call('GET', '/api/v1/scopes/access?scope=acme:weather', { token: p, expect: 200 });
  assert.deepEqual(denied.json.map((a) => [a.consumer_orgno, a.state]), [[CONSUMER, 'APPROVED'], [OTHER, 'DENIED']]);
  const mine = await call('GET', '/api/v1/scopes/access/all', { token: await consumer('dcr.read'), expect: 200 });
  await call('GET', '/api/v1/scopes/access/all?x=%zz', { token: await consumer('dcr.read'), expect: 400 });
  assert.deepEqual(mine.json.map((a) => a.scope).sort(), ['acme:data', 'acme:weather', ...ADMIN].sort());

  // A consumer whose access is revoked is refused a token (MP-250), 403.
  await call('DELETE', `/api/v1/scopes/access/${CONSUMER}?scope=acme:data`, { token: p, expect: 200 });
  const refused = await call('POST', '/token', {
    form: { grant_type: JWT_BEARER, assertion: signGrant({ issuer: server.issuer, clientId: clients['consumer-app'], key: adminKey, kid: 'admin', scopes: ['acme:data'] }) },
    expect: 403,
  });
  assert.match(refused.json.error_uri, /MP-250$/);
  await call('PUT', `/api/v1/scopes/access/${CONSUMER}?scope=acme:data`, { token: p, expect: 200 });
});

// nais/digdirator's client registration, as Go's encoding/json writes it
// (nil slices are null).
const digdiratorClient = {
  access_token_lifetime: 3600, application_type: 'web', authorization_lifetime: 7200, client_name: 'NAV',
  client_uri: 'https://www.nav.no', description: 'test:team:app', frontchannel_logout_session_required: false,
  grant_types: [JWT_BEARER], integration_type: 'maskinporten', post_logout_redirect_uris: null, redirect_uris: null,
  refresh_token_usage: 'ONETIME', scopes: ['acme:data'], sso_disabled: false, token_endpoint_auth_method: 'private_key_jwt',
};

test('clients and their keys, as their consumer', async () => {
  const w = await consumer('dcr.write');
  const r = await consumer('dcr.read');
  const m = await consumer('dcr.modify');
  const created = await call('POST', '/api/v1/clients', {
    token: w, expect: 200,
    json: { client_name: 'svc', description: 'A service', scopes: ['acme:data', 'acme:data'], access_token_lifetime: 300,
      integration_type: 'maskinporten', token_endpoint_auth_method: 'private_key_jwt', grant_types: [JWT_BEARER] },
  });
  assert.deepEqual(created.json.scopes, ['acme:data']);
  const id = created.json.client_id;

  // Digdir's client object, as clients written for Digdir send it.
  const nav = await call('POST', '/api/v1/clients', { token: w, json: digdiratorClient, expect: 200 });
  const { client_id: navId, created: navCreated, last_updated: navUpdated, ...navRest } = nav.json;
  assert.deepEqual(navRest, {
    client_name: 'NAV', description: 'test:team:app', client_orgno: CONSUMER, integration_type: 'maskinporten',
    token_endpoint_auth_method: 'private_key_jwt', grant_types: [JWT_BEARER], scopes: ['acme:data'],
    access_token_lifetime: 3600, active: true, application_type: 'web', refresh_token_usage: 'ONETIME',
    refresh_token_lifetime: 0, authorization_lifetime: 7200, sso_disabled: false, frontchannel_logout_session_required: false,
    code_challenge_method: 'none', client_uri: 'https://www.nav.no', logo_uri: null, redirect_uris: [],
    post_logout_redirect_uris: [], frontchannel_logout_uri: null, supplier_orgno: null,
  });
  assert.deepEqual((await call('GET', `/api/v1/clients/${navId}`, { token: r, expect: 200 })).json, nav.json);
  // digdirator's PUT of its payload: what it leaves out returns to its default.
  const { client_uri: _, ...navAgain } = digdiratorClient;
  const navPut = await call('PUT', `/api/v1/clients/${navId}`, { token: w, json: { ...navAgain, authorization_lifetime: 3600 }, expect: 200 });
  assert.deepEqual([navPut.json.authorization_lifetime, navPut.json.client_uri], [3600, null]);
  // What says nothing, the legacy fields, the kept ones, and what only Digdir sets.
  const full = await call('POST', '/api/v1/clients', {
    token: w, expect: 200,
    json: { client_name: 'full', client_type: 'CONFIDENTIAL', token_reference: 'SELF_CONTAINED', onbehalfof: [], jwks: { keys: [] },
      client_secret: '', supplier_orgno: '', frontchannel_logout_uri: '', redirect_uris: [], post_logout_redirect_uris: [],
      grant_types: [], jwks_uri: 'https://app.example/jwks', created: '2021-09-15T10:20:43.354+02:00', last_updated: null,
      logo_uri: 'https://app.example/logo.png', code_challenge_method: 'S256', refresh_token_usage: 'REUSE',
      refresh_token_lifetime: 600, sso_disabled: true, frontchannel_logout_session_required: true },
  });
  assert.deepEqual(full.json.grant_types, [JWT_BEARER]);
  assert.deepEqual([full.json.logo_uri, full.json.code_challenge_method, full.json.refresh_token_usage, full.json.refresh_token_lifetime,
    full.json.sso_disabled, full.json.frontchannel_logout_session_required], ['https://app.example/logo.png', 'S256', 'REUSE', 600, true, true]);
  for (const field of ['client_type', 'token_reference', 'onbehalfof', 'jwks', 'client_secret', 'jwks_uri']) {
    assert.ok(!(field in full.json), field);
  }
  assert.notEqual(full.json.created, '2021-09-15T10:20:43.354+02:00');
  await call('POST', '/api/v1/clients', { token: w, json: { client_name: 'empty', jwks: {} }, expect: 200 });
  // null is a field not given.
  const nulls = await call('POST', '/api/v1/clients', {
    token: w, expect: 200,
    json: { client_name: 'nulls', description: null, client_orgno: null, scopes: null, access_token_lifetime: null, client_id: null,
      active: null, client_uri: null, jwks: null, application_type: null, integration_type: null, grant_types: null },
  });
  assert.deepEqual([nulls.json.description, nulls.json.scopes, nulls.json.access_token_lifetime, nulls.json.active], ['', [], 120, true]);
  // A client id of the caller's choosing.
  const chosenId = crypto.randomUUID();
  const chosen = await call('POST', '/api/v1/clients', { token: w, json: { client_name: 'chosen', client_id: chosenId }, expect: 200 });
  assert.equal(chosen.json.client_id, chosenId);
  await call('POST', '/api/v1/clients', { token: w, json: { client_name: 'chosen again', client_id: chosenId }, expect: 409 });
  await call('POST', '/api/v1/clients', { token: w, json: { client_name: 'x', client_id: '6f1c2a9e-3b4d-1c5e-8f60-7a8b9c0d1e2f' }, expect: 400, schemaRejects: true });
  // Registered deactivated; reactivated, and deactivated, by PUT.
  const dormant = await call('POST', '/api/v1/clients', { token: w, json: { client_name: 'dormant', active: false }, expect: 200 });
  assert.equal(dormant.json.active, false);
  const dormantId = dormant.json.client_id;
  await call('PUT', `/api/v1/clients/${dormantId}`, { token: w, json: { client_name: 'dormant', scopes: [] }, expect: 409 });
  const still = await call('PUT', `/api/v1/clients/${dormantId}`, { token: w, json: { client_name: 'dormant', scopes: [], active: false }, expect: 200 });
  assert.equal(still.json.active, false);
  const woken = await call('PUT', `/api/v1/clients/${dormantId}`, { token: m, json: { client_name: 'dormant', scopes: [], active: true }, expect: 200 });
  assert.equal(woken.json.active, true);
  const asleep = await call('PUT', `/api/v1/clients/${dormantId}`, { token: w, json: { ...woken.json, active: false }, expect: 200 });
  assert.equal(asleep.json.active, false);

  await call('POST', '/api/v1/clients', { token: w, json: { client_name: 'x', scopes: ['acme:archive'] }, expect: 400 });
  await call('POST', '/api/v1/clients', { token: w, json: { client_name: 'x', client_orgno: PROVIDER }, expect: 403 });
  const unknown = await call('POST', '/api/v1/clients', { token: w, json: { client_name: 'x', colour: 'red' }, expect: 400, schemaRejects: true });
  assert.equal(unknown.json.error_description, 'unknown field "colour"');
  await call('POST', '/api/v1/clients', { token: w, json: { description: 'no name' }, expect: 400, schemaRejects: true });
  await call('POST', '/api/v1/clients', { token: w, json: { client_name: null }, expect: 400, schemaRejects: true });
  // What asks for something mpctl does not do is refused, naming the field.
  for (const [field, value] of [
    ['integration_type', 'idporten'], ['token_endpoint_auth_method', 'client_secret_basic'], ['grant_types', ['authorization_code']],
    ['application_type', 'browser'], ['refresh_token_usage', 'SOMETIMES'], ['authorization_lifetime', -1],
    ['code_challenge_method', 'plain'], ['sso_disabled', 'no'], ['client_uri', 'https://app.example/\n'],
    ['redirect_uris', ['https://app.example/callback']], ['post_logout_redirect_uris', ['https://app.example/out']],
    ['frontchannel_logout_uri', 'https://app.example/logout'], ['supplier_orgno', SUPPLIER], ['client_secret', 's3cret'],
    ['onbehalfof', [{ onbehalfof: 'x' }]], ['jwks', { keys: [newKey('ec').jwk('k')] }], ['jwks_uri', 1],
    ['client_type', 'PUBLIC'], ['token_reference', 'OPAQUE'], ['access_token_lifetime', 0], ['active', 'false'],
  ]) {
    const refused = await call('POST', '/api/v1/clients', { token: w, json: { client_name: 'x', [field]: value }, expect: 400, schemaRejects: true });
    assert.match(refused.json.error_description, new RegExp(`\\b${field}\\b`));
  }
  await call('POST', '/api/v1/clients', { token: w, text: 'client_name=x', contentType: 'text/plain', expect: 415 });
  await call('POST', '/api/v1/clients', { token: m, json: { client_name: 'x' }, expect: 403 });

  const list = await call('GET', '/api/v1/clients', { token: r, expect: 200 });
  assert.ok(list.json.some((c) => c.client_id === id));
  assert.ok(!list.json.some((c) => c.client_id === dormantId));
  await call('GET', '/api/v1/clients?inactive=true', { token: r, expect: 200 });
  await call('GET', '/api/v1/clients?inactive=yes', { token: r, expect: 400 });
  const got = await call('GET', `/api/v1/clients/${id}`, { token: r, expect: 200 });
  await call('GET', '/api/v1/clients/not-a-uuid', { token: r, expect: 400 });
  await call('GET', `/api/v1/clients/${crypto.randomUUID()}`, { token: r, expect: 404 });
  await call('GET', `/api/v1/clients/${clients['provider-admin']}`, { token: r, expect: 404 });
  // The client as GET answered it, sent back.
  await call('PUT', `/api/v1/clients/${id}`, { token: m, json: { ...got.json, client_name: 'svc 2' }, expect: 200 });
  await call('PUT', `/api/v1/clients/${id}`, { token: w, json: { client_name: 'svc 3' }, expect: 400, schemaRejects: true });
  await call('PUT', `/api/v1/clients/${id}`, { token: w, json: { client_name: 'svc 3', scopes: null }, expect: 400, schemaRejects: true });
  await call('PUT', `/api/v1/clients/${id}`, { token: w, json: { client_name: 'svc', scopes: [], client_id: crypto.randomUUID() }, expect: 400 });
  await call('PUT', `/api/v1/clients/${id}`, { token: w, json: { client_name: 'svc', scopes: [], client_orgno: PROVIDER }, expect: 400 });
  await call('PUT', `/api/v1/clients/${id}`, { token: w, json: { client_name: 'svc', scopes: [], redirect_uris: ['https://x.example'] }, expect: 400, schemaRejects: true });
  await call('PUT', `/api/v1/clients/${id}`, { token: w, json: { client_name: 'svc', scopes: ['acme:nothing'] }, expect: 400 });
  await call('PUT', `/api/v1/clients/${crypto.randomUUID()}`, { token: w, json: { client_name: 'svc', scopes: [] }, expect: 404 });
  await call('PUT', `/api/v1/clients/${id}`, { token: w, text: 'client_name=svc', contentType: 'text/plain', expect: 415 });

  const a = newKey('ec');
  const b = newKey('rsa');
  const now = Math.floor(Date.now() / 1000);
  const empty = await call('GET', `/api/v1/clients/${id}/jwks`, { token: r, expect: 200 });
  assert.deepEqual(empty.json, { client_id: id, keys: [] });
  // A key's exp is honoured; created and last_updated sent with it are not.
  const exp = now + 30 * 86400;
  const one = await call('POST', `/api/v1/clients/${id}/jwks`, {
    token: w, expect: 200,
    json: { keys: [{ ...a.jwk('a'), exp, created: '2020-01-01T00:00:00Z', last_updated: 1, x5c: [] }] },
  });
  const [keyA] = one.json.keys;
  assert.equal(keyA.exp, exp);
  assert.ok(Date.parse(keyA.created) >= (now - 5) * 1000, keyA.created);
  assert.ok(!('x5c' in keyA));
  assert.deepEqual([one.json.created, one.json.last_updated], [keyA.created, keyA.last_updated]);
  const two = await call('PUT', `/api/v1/clients/${id}/jwks`, { token: m, json: { client_id: id, keys: [{ ...a.jwk('a'), exp }, b.jwk('b')] }, expect: 200 });
  assert.deepEqual(two.json.keys.map((k) => k.kid), ['a', 'b']);
  assert.equal(two.json.keys[0].created, keyA.created);  // the same key keeps its created
  assert.ok(Math.abs(two.json.keys[1].exp - (now + 365 * 86400)) < 60, 'a year by default');
  assert.equal(two.json.created, [keyA.created, two.json.keys[1].created].sort()[0]);
  assert.equal(two.json.last_updated, two.json.keys.map((k) => k.last_updated).sort().at(-1));
  await call('GET', `/api/v1/clients/${id}/jwks`, { token: r, expect: 200 });
  await call('PUT', `/api/v1/clients/${id}/jwks`, { token: w, json: { keys: [{ ...a.jwk('a'), exp: now + 2 * 365 * 86400 }] }, expect: 400 });
  await call('PUT', `/api/v1/clients/${id}/jwks`, { token: w, json: { keys: [{ ...a.jwk('a'), exp: 'soon' }] }, expect: 400, schemaRejects: true });
  await call('PUT', `/api/v1/clients/${id}/jwks`, { token: w, json: { keys: [{ ...a.jwk('a'), x5c: ['MIIBszCCAVmgAwIBAgIUQ'] }] }, expect: 400, schemaRejects: true });
  const privateJwk = { ...a.privateKey.export({ format: 'jwk' }), kid: 'p', alg: 'ES256', use: 'sig' };
  await call('POST', `/api/v1/clients/${id}/jwks`, { token: w, json: { keys: [privateJwk] }, expect: 400, schemaRejects: true });
  await call('PUT', `/api/v1/clients/${id}/jwks`, { token: w, json: { keys: [{ ...a.jwk('a'), alg: 'RS256' }] }, expect: 400, schemaRejects: true });
  await call('PUT', `/api/v1/clients/${id}/jwks`, { token: w, json: { keys: [a.jwk('a'), newKey('ec').jwk('a')] }, expect: 409 });
  await call('PUT', `/api/v1/clients/${id}/jwks`, { token: w, json: [a.jwk('a')], expect: 400, schemaRejects: true });
  await call('PUT', `/api/v1/clients/${id}/jwks`, { token: w, json: { keys: null }, expect: 400, schemaRejects: true });
  await call('PUT', `/api/v1/clients/${id}/jwks`, { token: w, text: 'keys', contentType: 'text/plain', expect: 415 });
  await call('GET', `/api/v1/clients/${crypto.randomUUID()}/jwks`, { token: r, expect: 404 });
  await call('GET', '/api/v1/clients/x/jwks', { token: r, expect: 400 });
  await call('PUT', `/api/v1/clients/${crypto.randomUUID()}/jwks`, { token: w, json: { keys: [a.jwk('a')] }, expect: 404 });
  await call('POST', `/api/v1/clients/${crypto.randomUUID()}/jwks`, { token: w, json: { keys: [a.jwk('a')] }, expect: 404 });
  await call('POST', `/api/v1/clients/${id}/jwks`, { token: w, text: 'keys', contentType: 'text/plain', expect: 415 });

  // One key at a time, as PEM or as JWK.
  const pem = newKey('ec384');
  const added = await call('POST', `/api/v2/clients/${id}/key`, { token: w, text: pem.pem(), contentType: 'text/plain', expect: 200 });
  assert.equal(added.json.alg, 'ES384');
  assert.equal(typeof added.json.created, 'string');
  const ed = newKey('ed25519');
  const edAdded = await call('POST', `/api/v2/clients/${id}/key`, { token: m, json: { ...ed.jwk('ed'), exp }, expect: 200 });
  assert.equal(edAdded.json.exp, exp);
  await call('POST', `/api/v2/clients/${id}/key`, { token: w, json: { keys: [ed.jwk('ed')] }, expect: 200 });
  await call('POST', `/api/v2/clients/${id}/key`, { token: w, json: { keys: [a.jwk('a'), b.jwk('b')] }, expect: 400, schemaRejects: true });
  await call('POST', `/api/v2/clients/${id}/key`, { token: w, json: newKey('ec').jwk('a'), expect: 409 });
  await call('POST', `/api/v2/clients/${id}/key`, { token: w, text: '<key/>', contentType: 'application/xml', expect: 415 });
  await call('POST', `/api/v2/clients/${crypto.randomUUID()}/key`, { token: w, text: pem.pem(), contentType: 'text/plain', expect: 404 });

  const less = await call('DELETE', `/api/v1/clients/${id}/jwks/a`, { token: w, expect: 200 });
  assert.ok(!less.json.keys.some((k) => k.kid === 'a'));
  assert.ok(less.json.keys.every((k) => typeof k.last_updated === 'string'));
  await call('DELETE', `/api/v1/clients/${id}/jwks/a`, { token: w, expect: 404 });
  await call('DELETE', `/api/v1/clients/${id}/jwks/bad%20kid`, { token: w, expect: 400 });
  // As Digdir's: 200, with no body and no Content-Type.
  const none = await call('DELETE', `/api/v1/clients/${id}/jwks`, { token: m, expect: 200 });
  assert.equal(none.body, '');
  assert.equal(none.headers.get('content-type'), null);
  assert.deepEqual((await call('GET', `/api/v1/clients/${id}/jwks`, { token: r, expect: 200 })).json, { client_id: id, keys: [] });
  await call('DELETE', `/api/v1/clients/${crypto.randomUUID()}/jwks`, { token: w, expect: 404 });
  await call('DELETE', '/api/v1/clients/x/jwks', { token: w, expect: 400 });

  const gone = await call('DELETE', `/api/v1/clients/${id}`, { token: w, expect: 200 });
  assert.equal(gone.json.active, false);
  // Deactivating again: the client as it is.
  assert.deepEqual((await call('DELETE', `/api/v1/clients/${id}`, { token: w, expect: 200 })).json, gone.json);
  await call('PUT', `/api/v1/clients/${id}`, { token: w, json: { client_name: 'svc', scopes: [] }, expect: 409 });
  await call('PUT', `/api/v1/clients/${id}/jwks`, { token: w, json: { keys: [a.jwk('a')] }, expect: 409 });
  await call('POST', `/api/v1/clients/${id}/jwks`, { token: w, json: { keys: [] }, expect: 409 });
  await call('POST', `/api/v2/clients/${id}/key`, { token: w, text: pem.pem(), contentType: 'text/plain', expect: 409 });
  // Keys of a deactivated client may still be removed.
  await call('DELETE', `/api/v1/clients/${id}/jwks/b`, { token: w, expect: 404 });
  await call('DELETE', `/api/v1/clients/${id}/jwks`, { token: w, expect: 200 });
  // What the operator deactivated, the org does not bring back.
  server.mpctl('client', 'deactivate', dormantId);
  await call('PUT', `/api/v1/clients/${dormantId}`, { token: w, json: { client_name: 'dormant', scopes: [], active: true }, expect: 403 });
  await call('DELETE', `/api/v1/clients/${crypto.randomUUID()}`, { token: w, expect: 404 });
  await call('DELETE', '/api/v1/clients/x', { token: w, expect: 400 });
});

test('delegations, as their consumer', async () => {
  const w = await consumer('dcr.write');
  const r = await consumer('dcr.read');
  const given = await call('POST', '/api/v1/delegations', { token: w, json: { scope: 'acme:weather', supplier_orgno: SUPPLIER, consumer_orgno: null }, expect: 200 });
  assert.equal(given.json.delegation_source, 'https://altinn.example');
  await call('POST', '/api/v1/delegations', { token: w, json: { scope: 'acme:weather', supplier_orgno: SUPPLIER }, expect: 409 });
  await call('POST', '/api/v1/delegations', { token: w, json: { scope: 'acme:weather', supplier_orgno: CONSUMER }, expect: 400 });
  await call('POST', '/api/v1/delegations', { token: w, json: { scope: 'acme:data', supplier_orgno: SUPPLIER }, expect: 400 });
  await call('POST', '/api/v1/delegations', { token: w, json: { scope: 'acme:nothing', supplier_orgno: SUPPLIER }, expect: 404 });
  await call('POST', '/api/v1/delegations', { token: w, json: { scope: 'acme:weather', supplier_orgno: SUPPLIER, consumer_orgno: PROVIDER }, expect: 403 });
  await call('POST', '/api/v1/delegations', { token: w, json: { scope: 'acme:weather' }, expect: 400, schemaRejects: true });
  await call('POST', '/api/v1/delegations', { token: w, json: { scope: 'acme:weather', supplier_orgno: SUPPLIER, note: 1 }, expect: 400, schemaRejects: true });
  await call('POST', '/api/v1/delegations', { token: w, text: 'scope=acme:weather', contentType: 'text/plain', expect: 415 });

  const list = await call('GET', '/api/v1/delegations', { token: r, expect: 200 });
  assert.deepEqual(list.json.map((d) => d.id), [given.json.id]);
  await call('GET', '/api/v1/delegations?inactive=true', { token: r, expect: 200 });
  await call('GET', '/api/v1/delegations?inactive=2', { token: r, expect: 400 });
  // Public, as at Digdir: first altinn, whose issuer is this server (acme:delegated names
  // it), then each other source of active PUBLIC scopes, as its own name and issuer.
  const sources = await call('GET', '/api/v1/delegationsources', { expect: 200 });
  const weather = (await call('GET', '/api/v1/scopes/all', { token: r, expect: 200 })).json.find((s) => s.name === 'acme:weather');
  const epoch = '1970-01-01T00:00:00Z';
  // The one source: what scopes name (acme:weather names https://altinn.example) is not listed.
  assert.ok(weather.delegation_source);
  assert.deepEqual(sources.json, [{ name: 'altinn', issuer: server.issuer, created: epoch, last_updated: epoch }]);
  // A token is not looked at.
  await call('GET', '/api/v1/delegationsources', { token: { value: 'forged', scopes: [] }, expect: 200 });

  await call('DELETE', `/api/v1/delegations/${given.json.id}`, { token: await consumer('dcr.modify'), expect: 200 });
  // Removing it again changes nothing, and is no error: a script may run twice.
  const again = await call('DELETE', `/api/v1/delegations/${given.json.id}`, { token: w, expect: 200 });
  assert.equal(again.json.active, false);
  await call('DELETE', `/api/v1/delegations/${crypto.randomUUID()}`, { token: w, expect: 404 });
  await call('DELETE', '/api/v1/delegations/42', { token: w, expect: 400 });
});

// A national identity number with valid check digits (born 1 January 1990),
// for grants that carry `pid`.
const PID = (() => {
  for (let n = 100; n < 1000; n += 1) {
    const digits = `010190${n}`.split('').map(Number);
    const check = (weights) => {
      const k = 11 - (weights.reduce((sum, w, i) => sum + w * digits[i], 0) % 11);
      return k === 11 ? 0 : k;
    };
    const k1 = check([3, 7, 6, 1, 8, 9, 4, 5, 2]);
    if (k1 !== 10) {
      digits.push(k1);
      const k2 = check([5, 4, 3, 2, 7, 6, 5, 4, 3, 2]);
      if (k2 !== 10) return [...digits, k2].join('');
    }
  }
  throw new Error('no national identity number');
})();

// Altinn's system register: the vendor (CONSUMER) registers a system, a
// customer (CUSTOMER) approves a system user for it, and the system's client
// then gets tokens for the customer.
test('systems and system users, as their vendor and their customer', async () => {
  const w = await consumer('dcr.write');
  const r = await consumer('dcr.read');
  const m = await consumer('dcr.modify');
  const cw = await customer('dcr.write');
  const cr = await customer('dcr.read');
  const cm = await customer('dcr.modify');
  const systems = '/api/v1/systemregister/vendor';
  const org = (orgno) => ({ authority: 'iso6523-actorid-upis', ID: `0192:${orgno}` });

  // The vendor's client that acts for the system, with a key to sign grants.
  const app = await call('POST', '/api/v1/clients', { token: w, json: { client_name: 'vendor-system', scopes: ['acme:data'] }, expect: 200 });
  const appId = app.json.client_id;
  await call('POST', `/api/v1/clients/${appId}/jwks`, { token: w, json: { keys: [adminKey.jwk('admin')] }, expect: 200 });
  const spare = await call('POST', '/api/v1/clients', { token: w, json: { client_name: 'spare' }, expect: 200 });

  // Altinn's system object, its own authorization fields included (accepted and ignored).
  const weatherId = `${CONSUMER}_weather`;
  const weather = await call('POST', systems, {
    token: w, expect: 200,
    json: { id: weatherId, vendor: org(CONSUMER), name: { nb: 'Vêret', nn: 'Vêret', en: 'Weather' }, description: 'For customers',
      clientId: [appId.toUpperCase(), appId], isVisible: true, isDeleted: false, systemVendorOrgNumber: CONSUMER,
      rights: [{ resource: [{ id: 'urn:altinn:resource', value: 'weather' }] }], accessPackages: [{ urn: 'x' }],
      allowedRedirectUrls: ['https://app.example/'], created: '2021-09-15T10:20:43.354+02:00', last_updated: null },
  });
  const { created, last_updated: updated, ...rest } = weather.json;
  assert.deepEqual(rest, {
    id: weatherId, vendor: org(CONSUMER), name: { nb: 'Vêret', nn: 'Vêret', en: 'Weather' },
    description: { nb: 'For customers', nn: 'For customers', en: 'For customers' },
    clientId: [appId], isVisible: true, isDeleted: false,
  });
  assert.notEqual(created, '2021-09-15T10:20:43.354+02:00');
  assert.equal(updated, created);
  // isDeleted: true registers a system deactivated (as active: false does a
  // client); a description may have lines, or be empty.
  const asleep = await call('POST', systems, {
    token: w, expect: 200,
    json: { id: `${CONSUMER}_asleep`, isDeleted: true, description: { nb: 'Linje én.\nLinje to.', en: '' } },
  });
  assert.equal(asleep.json.isDeleted, true);
  assert.deepEqual(asleep.json.description, { nb: 'Linje én.\nLinje to.', en: '' });
  // null is a field not given; the name defaults to the id's.
  const minimalId = `${CONSUMER}_minimal`;
  const minimal = await call('POST', systems, { token: w, json: { id: minimalId, vendor: null, name: null, description: {}, clientId: null, isVisible: null }, expect: 200 });
  assert.deepEqual([minimal.json.name, minimal.json.description, minimal.json.clientId, minimal.json.isVisible],
    [{ nb: 'minimal', nn: 'minimal', en: 'minimal' }, {}, [], true]);
  const hiddenId = `${CONSUMER}_hidden.v-2`;
  await call('POST', systems, { token: w, json: { id: hiddenId, vendor: { id: `0192:${CONSUMER}` }, isVisible: false, clientId: [spare.json.client_id] }, expect: 200 });

  await call('POST', systems, { token: w, json: { id: weatherId }, expect: 409 });
  // A client acts for one active system.
  await call('POST', systems, { token: w, json: { id: `${CONSUMER}_x`, clientId: [appId] }, expect: 409 });
  await call('POST', systems, { token: w, json: { id: `${CONSUMER}_x`, clientId: [crypto.randomUUID()] }, expect: 400 });
  await call('POST', systems, { token: w, json: { id: `${CONSUMER}_x`, clientId: [clients['provider-admin']] }, expect: 400 });
  await call('POST', systems, { token: w, json: { id: `${CUSTOMER}_x` }, expect: 400 });
  const foreign = await call('POST', systems, { token: w, json: { id: `${CUSTOMER}_x`, vendor: org(CUSTOMER) }, expect: 403 });
  assert.equal(foreign.json.error, 'forbidden');
  for (const json of [
    { name: 'no id' }, { id: null }, { id: 'weather' }, { id: `${CONSUMER}_x y` }, { id: `${CONSUMER}_${'x'.repeat(101)}` },
    { id: `${CONSUMER}_x`, vendor: { authority: 'x', ID: `0192:${CONSUMER}` } }, { id: `${CONSUMER}_x`, vendor: { ID: CONSUMER } },
    { id: `${CONSUMER}_x`, vendor: `0192:${CONSUMER}` }, { id: `${CONSUMER}_x`, vendor: { authority: 'iso6523-actorid-upis' } },
    { id: `${CONSUMER}_x`, name: { de: 'Wetter' } }, { id: `${CONSUMER}_x`, name: '' }, { id: `${CONSUMER}_x`, name: { nb: 1 } },
    { id: `${CONSUMER}_x`, name: 'x'.repeat(256) }, { id: `${CONSUMER}_x`, description: 'a bell\u0007' },
    { id: `${CONSUMER}_x`, description: ['x'] }, { id: `${CONSUMER}_x`, clientId: ['not-a-uuid'] },
    { id: `${CONSUMER}_x`, clientId: appId }, { id: `${CONSUMER}_x`, isVisible: 'yes' }, { id: `${CONSUMER}_x`, colour: 'red' },
  ]) {
    await call('POST', systems, { token: w, json, expect: 400, schemaRejects: true });
  }
  await call('POST', systems, { token: w, text: `id=${CONSUMER}_x`, contentType: 'text/plain', expect: 415 });
  await call('POST', systems, { token: m, json: { id: `${CONSUMER}_x` }, expect: 403 });

  // The vendor lists its own; the customer those offered to all (not the hidden one).
  const own = await call('GET', '/api/v1/systemregister', { token: r, expect: 200 });
  assert.deepEqual(own.json.map((s) => s.id).sort(), [hiddenId, minimalId, weatherId].sort());
  const offered = await call('GET', '/api/v1/systemregister', { token: cr, expect: 200 });
  assert.deepEqual(offered.json.map((s) => s.id).sort(), [minimalId, weatherId].sort());
  // Which clients act for a system is its vendor's business.
  assert.ok(offered.json.every((s) => s.clientId.length === 0));
  assert.ok(own.json.some((s) => s.clientId.length > 0));
  await call('GET', '/api/v1/systemregister?inactive=maybe', { token: r, expect: 400 });
  assert.deepEqual((await call('GET', `${systems}/${weatherId}`, { token: r, expect: 200 })).json, weather.json);
  await call('GET', `${systems}/${hiddenId}`, { token: cr, expect: 200 });
  await call('GET', `${systems}/${CONSUMER}_nothing`, { token: r, expect: 404 });

  // The system as GET answered it, sent back.
  const renamed = await call('PUT', `${systems}/${weatherId}`, { token: m, json: { ...weather.json, name: 'Weather' }, expect: 200 });
  assert.deepEqual([renamed.json.name, renamed.json.description], [{ nb: 'Weather', nn: 'Weather', en: 'Weather' }, weather.json.description]);
  // What a PUT leaves out returns to its default.
  const hidden = await call('PUT', `${systems}/${minimalId}`, { token: w, json: { clientId: [], name: { en: 'Minimal' }, description: { en: 'Small' }, isVisible: false }, expect: 200 });
  assert.deepEqual([hidden.json.name, hidden.json.description, hidden.json.isVisible], [{ en: 'Minimal' }, { en: 'Small' }, false]);
  const reset = await call('PUT', `${systems}/${minimalId}`, { token: w, json: { id: minimalId, clientId: [], rights: [], systemVendorOrgNumber: CONSUMER }, expect: 200 });
  assert.deepEqual([reset.json.name, reset.json.description, reset.json.isVisible], [minimal.json.name, {}, true]);
  await call('PUT', `${systems}/${weatherId}`, { token: w, json: { name: 'Weather' }, expect: 400, schemaRejects: true });
  await call('PUT', `${systems}/${weatherId}`, { token: w, json: { clientId: null }, expect: 400, schemaRejects: true });
  await call('PUT', `${systems}/${weatherId}`, { token: w, json: { clientId: [appId], isDeleted: 'no' }, expect: 400, schemaRejects: true });
  await call('PUT', `${systems}/${weatherId}`, { token: w, json: { clientId: [appId], colour: 'red' }, expect: 400, schemaRejects: true });
  await call('PUT', `${systems}/${weatherId}`, { token: w, json: { clientId: [appId], id: minimalId }, expect: 400 });
  await call('PUT', `${systems}/${weatherId}`, { token: w, json: { clientId: [appId], vendor: org(CUSTOMER) }, expect: 400 });
  await call('PUT', `${systems}/${minimalId}`, { token: w, json: { clientId: [appId] }, expect: 409 });
  await call('PUT', `${systems}/${CONSUMER}_nothing`, { token: w, json: { clientId: [] }, expect: 404 });
  await call('PUT', `${systems}/${weatherId}`, { token: w, text: 'clientId=', contentType: 'text/plain', expect: 415 });
  // Another vendor's system: seen, not changed.
  const notYours = await call('PUT', `${systems}/${weatherId}`, { token: cw, json: { clientId: [], vendor: org(CONSUMER) }, expect: 403 });
  assert.equal(notYours.json.error, 'forbidden');
  assert.equal((await call('DELETE', `${systems}/${weatherId}`, { token: cm, expect: 403 })).json.error, 'forbidden');

  // Deactivated: gone for other organisations, changed only by reactivating it.
  const gone = await call('DELETE', `${systems}/${minimalId}`, { token: m, expect: 200 });
  assert.equal(gone.json.isDeleted, true);
  assert.deepEqual((await call('DELETE', `${systems}/${minimalId}`, { token: w, expect: 200 })).json, gone.json);
  await call('GET', `${systems}/${minimalId}`, { token: cr, expect: 404 });
  await call('DELETE', `${systems}/${minimalId}`, { token: cw, expect: 404 });
  await call('PUT', `${systems}/${minimalId}`, { token: w, json: { clientId: [] }, expect: 409 });
  const every = await call('GET', '/api/v1/systemregister?inactive=true', { token: r, expect: 200 });
  assert.ok(every.json.some((s) => s.id === minimalId && s.isDeleted));
  assert.ok(!(await call('GET', '/api/v1/systemregister', { token: r, expect: 200 })).json.some((s) => s.id === minimalId));
  const back = await call('PUT', `${systems}/${minimalId}`, { token: w, json: { clientId: [], isDeleted: false }, expect: 200 });
  assert.equal(back.json.isDeleted, false);
  const off = await call('PUT', `${systems}/${minimalId}`, { token: m, json: { clientId: [], isDeleted: true }, expect: 200 });
  assert.equal(off.json.isDeleted, true);
  await call('DELETE', `${systems}/${CONSUMER}_nothing`, { token: w, expect: 404 });

  // The customer approves the system: a system user.
  const users = '/api/v1/systemuser';
  const first = await call('POST', users, { token: cw, json: { systemId: weatherId }, expect: 200 });
  const { id: firstId, created: c1, last_updated: u1, ...firstRest } = first.json;
  assert.deepEqual(firstRest, {
    integrationTitle: 'Weather', systemId: weatherId, partyOrgNo: CUSTOMER, supplierOrgNo: CONSUMER, externalRef: CUSTOMER, isDeleted: false,
  });
  await call('POST', users, { token: cw, json: { systemId: weatherId, partyOrgNo: CUSTOMER }, expect: 409 });
  // What GET answers may be sent back: the server's fields are ignored.
  const second = await call('POST', users, {
    token: cw, expect: 200,
    json: { ...first.json, externalRef: 'second', integrationTitle: 'Second', supplierOrgNo: OTHER, isDeleted: true },
  });
  assert.notEqual(second.json.id, firstId);
  assert.deepEqual([second.json.externalRef, second.json.integrationTitle, second.json.supplierOrgNo, second.json.isDeleted],
    ['second', 'Second', CONSUMER, false]);
  // A hidden system is approved by its id.
  const third = await call('POST', users, { token: cw, json: { systemId: hiddenId, integrationTitle: '', externalRef: null }, expect: 200 });
  assert.equal(third.json.integrationTitle, 'hidden.v-2');
  const notCustomer = await call('POST', users, { token: cw, json: { systemId: weatherId, partyOrgNo: CONSUMER }, expect: 403 });
  assert.equal(notCustomer.json.error, 'forbidden');
  await call('POST', users, { token: cw, json: { systemId: `${CONSUMER}_nothing` }, expect: 404 });
  // A deactivated system: the vendor's own is 409, another organisation does not see it.
  await call('POST', users, { token: cw, json: { systemId: minimalId }, expect: 404 });
  await call('POST', users, { token: w, json: { systemId: minimalId }, expect: 409 });
  await call('POST', users, { token: cw, json: { systemId: weatherId, partyOrgNo: '123456789' }, expect: 400 });
  for (const json of [
    {}, { systemId: null }, { systemId: 1 }, { systemId: weatherId, partyOrgNo: '123' }, { systemId: weatherId, externalRef: '' },
    { systemId: weatherId, externalRef: 'x'.repeat(256) }, { systemId: weatherId, integrationTitle: 'two\nlines' },
    { systemId: weatherId, colour: 'red' },
  ]) {
    await call('POST', users, { token: cw, json, expect: 400, schemaRejects: true });
  }
  await call('POST', users, { token: cw, text: `systemId=${weatherId}`, contentType: 'text/plain', expect: 415 });
  await call('POST', users, { token: cm, json: { systemId: weatherId }, expect: 403 });

  // Both the customer and the vendor see them.
  const ids = (list) => list.json.map((u) => u.id).sort();
  const all = [firstId, second.json.id, third.json.id].sort();
  assert.deepEqual(ids(await call('GET', users, { token: cr, expect: 200 })), all);
  assert.deepEqual(ids(await call('GET', users, { token: r, expect: 200 })), all);
  const ofWeather = [firstId, second.json.id].sort();
  assert.deepEqual(ids(await call('GET', `${users}?system=${weatherId}&customer=${CUSTOMER}`, { token: r, expect: 200 })), ofWeather);
  assert.deepEqual(ids(await call('GET', `${users}?customer=${OTHER}`, { token: r, expect: 200 })), []);
  await call('GET', `${users}?customer=123456789`, { token: r, expect: 400 });
  await call('GET', `${users}?inactive=1`, { token: r, expect: 400 });
  assert.deepEqual(ids(await call('GET', `${users}/vendor/bysystem/${weatherId}`, { token: r, expect: 200 })), ofWeather);
  await call('GET', `${users}/vendor/bysystem/${weatherId}`, { token: cr, expect: 404 });
  await call('GET', `${users}/vendor/bysystem/${CONSUMER}_nothing`, { token: r, expect: 404 });
  await call('GET', `${users}/vendor/bysystem/${minimalId}`, { token: cr, expect: 404 });
  assert.deepEqual((await call('GET', `${users}/${firstId}`, { token: r, expect: 200 })).json, first.json);
  assert.deepEqual((await call('GET', `${users}/${firstId}`, { token: cr, expect: 200 })).json, first.json);
  await call('GET', `${users}/${crypto.randomUUID()}`, { token: r, expect: 404 });
  await call('GET', `${users}/not-a-uuid`, { token: r, expect: 400 });

  // The system's client gets tokens for the customer; introspection shows the claims.
  const grant = (claims) => ({
    grant_type: JWT_BEARER,
    assertion: signGrant({ issuer: server.issuer, clientId: appId, key: adminKey, kid: 'admin', scopes: ['acme:data'], claims }),
  });
  const detail = (orgno, more = {}) => ({ type: 'urn:altinn:systemuser', systemuser_org: org(orgno), ...more });
  const p = await provider();
  const issued = await call('POST', '/token', { form: grant({ authorization_details: [detail(CUSTOMER, { externalRef: 'second' })], pid: PID }), expect: 200 });
  const claims = await call('POST', '/introspect', { token: p, form: { token: issued.json.access_token }, expect: 200 });
  assert.deepEqual(claims.json.authorization_details, [{
    type: 'urn:altinn:systemuser', systemuser_org: { authority: 'iso6523-actorid-upis', id: `0192:${CUSTOMER}` },
    systemuser_id: [second.json.id], system_id: weatherId,
  }]);
  assert.equal(claims.json.pid, PID);
  assert.deepEqual(claims.json.consumer, org(CONSUMER));
  // Without externalRef: the system user whose externalRef is the customer's organisation number.
  const plain = await call('POST', '/token', { form: grant({ authorization_details: [detail(CUSTOMER)] }), expect: 200 });
  const plainClaims = await call('POST', '/introspect', { token: p, form: { token: plain.json.access_token }, expect: 200 });
  assert.deepEqual(plainClaims.json.authorization_details[0].systemuser_id, [firstId]);
  assert.ok(!('pid' in plainClaims.json));
  const refusal = async (form, code) => {
    const refused = await call('POST', '/token', { form, expect: 400 });
    assert.match(refused.json.error_uri, new RegExp(`/${code}$`));
    return refused;
  };
  const consent = await refusal(grant({ authorization_details: [{ ...detail(CUSTOMER), type: 'urn:altinn:consent' }] }), 'MP-301');
  assert.equal(consent.json.error, 'invalid_authorization_details');
  await refusal(grant({ authorization_details: [detail(CUSTOMER, { colour: 'red' })] }), 'MP-302');
  await refusal(grant({ authorization_details: [detail(OTHER)] }), 'MP-303');
  await refusal(grant({ authorization_details: [detail(CUSTOMER, { externalRef: 'third' })] }), 'MP-303');
  await call('POST', '/token', { form: grant({ pid: '01019012345' }), expect: 400 });

  // Only the customer deactivates a system user; its tokens end with it.
  const vendorsTry = await call('DELETE', `${users}/${second.json.id}`, { token: m, expect: 403 });
  assert.equal(vendorsTry.json.error, 'forbidden');
  const removed = await call('DELETE', `${users}/${second.json.id}`, { token: cm, expect: 200 });
  assert.equal(removed.json.isDeleted, true);
  assert.deepEqual((await call('DELETE', `${users}/${second.json.id}`, { token: cw, expect: 200 })).json, removed.json);
  await call('DELETE', `${users}/${crypto.randomUUID()}`, { token: cw, expect: 404 });
  await call('DELETE', `${users}/42`, { token: cw, expect: 400 });
  await refusal(grant({ authorization_details: [detail(CUSTOMER, { externalRef: 'second' })] }), 'MP-303');
  assert.ok(!(await call('GET', users, { token: cr, expect: 200 })).json.some((u) => u.id === second.json.id));
  assert.ok((await call('GET', `${users}?inactive=true`, { token: cr, expect: 200 })).json.some((u) => u.id === second.json.id));
  // And with the system.
  await call('DELETE', `${systems}/${weatherId}`, { token: w, expect: 200 });
  await refusal(grant({ authorization_details: [detail(CUSTOMER)] }), 'MP-303');
});

// A path with its parameters filled in with made-up values that name
// nothing in the store.
function filled(path) {
  const values = { id: crypto.randomUUID(), orgno: OTHER, kid: 'probe', systemId: `${OTHER}_probe`,
                   code: 'mp-012' };
  return path.replace(/\{([^}]+)\}/g, (_, n) => {
    assert.ok(n in values, `no probe value for {${n}}`);
    return values[n];
  });
}

// A request an operation takes, with made-up values (so that it changes
// nothing): its path parameters filled in, its required query parameters
// given, and an empty body of its first type.
function probe(o) {
  let target = filled(o.path);
  const query = (o.op.parameters ?? []).map((p) => checker.resolve(p)[0]).filter((p) => p.in === 'query' && p.required);
  if (query.length) {
    target += `?${query.map((p) => `${p.name}=${p.name === 'scope' ? 'acme:probe.none' : 'x'}`).join('&')}`;
  }
  const type = Object.keys(o.op.requestBody?.content ?? {})[0];
  if (type === 'application/json') return [target, { json: {} }];
  if (type === 'application/x-www-form-urlencoded') return [target, { form: {} }];
  if (type) return [target, { text: '', contentType: type }];
  return [target, {}];
}

test('the security of every operation is the server\'s', async () => {
  const admin = {
    'idporten:scopes.write': await provider(),
    'idporten:dcr.read': await consumer('dcr.read'),
    'idporten:dcr.write': await consumer('dcr.write'),
    'idporten:dcr.modify': await consumer('dcr.modify'),
  };
  const plain = await token('consumer-app', ['acme:data']);  // a token of no admin scope
  for (const o of checker.operations) {
    const [target, options] = probe(o);
    const security = o.op.security;
    assert.ok(Array.isArray(security), `${o.key} states its security`);
    if (security.length === 0) {
      const r = await call(o.method, target, options);
      assert.notEqual(r.status, 401, `${o.key} needs no token`);
      continue;
    }
    const r = await call(o.method, target, options);
    assert.equal(r.status, 401, `${o.key} without a token`);
    const scoped = security.filter((req) => req.bearer.length > 0);
    if (scoped.length === 0) {
      const any = await call(o.method, target, { ...options, token: plain });
      assert.ok(![401, 403].includes(any.status), `${o.key} takes any token: ${any.body}`);
      continue;
    }
    assert.equal(scoped.length, security.length, `${o.key}: every requirement names admin scopes`);
    const refused = await call(o.method, target, { ...options, token: plain });
    assert.equal(refused.status, 403, `${o.key} with no admin scope`);
    assert.equal(refused.json.error, 'insufficient_scope');
    for (const requirement of scoped) {
      assert.equal(requirement.bearer.length, 1);
      const ok = await call(o.method, target, { ...options, token: admin[requirement.bearer[0]] });
      assert.ok(ok.status !== 401 && !(ok.status === 403 && ok.json.error === 'insufficient_scope'),
        `${o.key} with ${requirement.bearer[0]}: ${ok.body}`);
    }
    // And no admin scope the document leaves out is enough.
    for (const [scope, t] of Object.entries(admin)) {
      if (!scoped.some((req) => req.bearer.includes(scope))) {
        const no = await call(o.method, target, { ...options, token: t });
        assert.equal(no.status, 403, `${o.key} with ${scope}`);
      }
    }
  }
});

test('every path answers 405 to a method it does not take, with Allow', async () => {
  const t = await consumer('dcr.read');
  for (const p of Object.keys(doc.paths)) {
    const r = await call('PATCH', filled(p), { token: p.startsWith('/api/') ? t : undefined });
    assert.equal(r.status, 405, p);
  }
});

test('requests refused before they are routed', async () => {
  // The connection layer answers malformed HTTP (400), a Content-Length over
  // the limit (413, as soon as it is read) and a header over the limit (431)
  // itself; the router refuses a request with two Host headers (400).
  for (const o of checker.operations) {
    const [target] = probe(o);
    const line = `${o.method} ${new URL(base).pathname}${target} HTTP/1.1\r\nHost: x\r\nConnection: close`;
    for (const [head, status] of [
      [`${line}\r\nContent-Type: application/json\r\nContent-Length: 70000`, 413],
      [`${line}\r\nX-Padding: ${'a'.repeat(9000)}`, 431],
      [`${line}\r\nHost: y`, 400],
      [`${line}\r\nno colon here`, 400],
    ]) {
      const res = await rawRequest(server.port, head);
      const url = new URL(target, 'http://x');
      assert.deepEqual(checker.check({ method: o.method, path: url.pathname, query: url.searchParams }, res), []);
      assert.equal(res.status, status, `${o.key}: ${res.body}`);
    }
  }
});

test('every documented operation was called, and succeeded', (t) => {
  const missing = [];
  for (const o of checker.operations) {
    const seen = [...checker.seen.get(o.key)];
    if (!seen.some((s) => s >= 200 && s < 300)) {
      missing.push(`${o.key}: no success (saw ${seen.join(', ') || 'nothing'})`);
    }
    const documented = Object.keys(o.op.responses).map(Number);
    const untried = documented.filter((s) => !seen.includes(s));
    if (untried.length) {
      t.diagnostic(`${o.key}: documented ${untried.join(', ')} not seen`);
    }
  }
  assert.deepEqual(missing, []);
});
