// SPDX-License-Identifier: Apache-2.0
// An API consumer's journeys: the scopes it may use, its clients and their
// keys, trying a token, and delegating a scope to a supplier. Each is
// clicked as a person would and checked through the self-service API too.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';
import { CONSUMER, PROVIDER, SUPPLIER, apiAs, launch, openPage, screenshot, signIn, runTests, startServer, test } from './harness.mjs';

let server;
let browser;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

// The API as the consumer, with a fresh token (the admin client's tokens
// live 120 s, shorter than this file may run).
const consumerApi = () => apiAs(server, server.consumer);

// A client of the consumer registered with the CLI; answers its id.
function registerClient(name, ...options) {
  return server.mpctl('client', 'register', '--org', CONSUMER, '--name', name, '--output', 'id', ...options).trim();
}

// A file in the server's directory (removed with it).
const file = (name) => path.join(server.dir, name);

// A new private key made by the CLI, and its public JWK in NAME.jwk:
// {pem, jwk, kid}.
function newKey(name, type = 'rsa') {
  const pem = file(`${name}.pem`);
  server.mpctl('key', 'generate', '--type', type, '--out', pem);
  const jwkText = server.mpctl('key', 'jwk', pem);
  fs.writeFileSync(file(`${name}.jwk`), jwkText);
  return { pem, jwk: file(`${name}.jwk`), kid: JSON.parse(jwkText).kid };
}

const decodePart = (part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

async function waitForStatus(page, text) {
  await page.waitForFunction((want) => document.querySelector('#status').textContent === want, text);
}

// The texts of the first cells of the rows of `tableParent`'s table.
const firstCells = (page, tableParent) => page.locator(`${tableParent} tbody tr td:first-child`).allTextContents();

// What the key table says of the key `kid`: [kid, alg, expires] cells.
async function keyRow(page, kid) {
  const row = page.locator('#keys tbody tr', { hasText: kid });
  return (await row.locator('td').allTextContents()).slice(0, 3);
}

// What the key table should say of a key from the API's key set.
function expectedExpiry(exp) {
  const days = Math.floor((exp - Date.now() / 1000) / 86400);
  return `${new Date(exp * 1000).toISOString().replace('T', ' ').slice(0, 16)} ${days} days left`;
}

async function openClient(page, id) {
  await page.goto(`${server.url}app/#/clients/${id}`);
  await page.waitForSelector('#client-id');
  assert.equal(await page.textContent('#client-id'), id);
}

test('the scopes the org may use: granted, open to all; a PRIVATE one it was not granted is absent', async () => {
  server.mpctl('scope', 'create', 'demo:open', '--description', 'Open data', '--accessible-for-all');
  const api = consumerApi();
  const page = await openPage(browser);
  await signIn(page, server, server.consumer);
  await page.click('#nav a[href="#/usable"]');
  await page.waitForSelector('#usable-for-all');
  assert.equal(await page.textContent('main h1'), 'Scopes we may use');

  const granted = await firstCells(page, '#usable-granted');
  assert.ok(granted.includes('demo:weather'), granted.join(', '));
  const weather = page.locator('#usable-granted tbody tr', { hasText: 'demo:weather' });
  assert.equal(await weather.locator('td').nth(1).textContent(), PROVIDER);
  assert.deepEqual(await firstCells(page, '#usable-for-all'), ['demo:open']);
  const open = page.locator('#usable-for-all tbody tr', { hasText: 'demo:open' });
  assert.deepEqual(await open.locator('td').allTextContents(), ['demo:open', 'Open data', PROVIDER]);
  assert.equal(await page.locator('main', { hasText: 'demo:archive' }).count(), 0);

  // The API says the same.
  const access = (await api('GET', '/v1/scopes/access/all')).body;
  assert.deepEqual(access.filter((a) => a.scope.startsWith('demo:')).map((a) => [a.scope, a.state]),
    [['demo:weather', 'APPROVED']]);
  assert.deepEqual(granted.slice().sort(), access.map((a) => a.scope).sort());
  const forAll = (await api('GET', '/v1/scopes/all?accessible_for_all=true')).body;
  assert.deepEqual(forAll.map((s) => s.name), ['demo:open']);
  const all = (await api('GET', '/v1/scopes/all')).body.map((s) => s.name);
  assert.equal(all.includes('demo:archive'), false);
  assert.deepEqual(page.problems, []);
});

test('register a client with scopes it may use; a refusal shows beside its field', async () => {
  const api = consumerApi();
  const page = await openPage(browser);
  await signIn(page, server, server.consumer);
  await page.click('#nav a[href="#/clients"]');
  await page.click('#new-client');
  await page.waitForSelector('#client-form');
  // Only scopes the org may use are offered: never the PRIVATE demo:archive.
  const offered = await page.locator('#client-scopes input[name=scopes]').evaluateAll((boxes) => boxes.map((b) => b.value));
  assert.ok(offered.includes('demo:weather'), offered.join(', '));
  assert.equal(offered.includes('demo:archive'), false);
  assert.equal(await page.inputValue('[name=access_token_lifetime]'), '120');

  // No name: the API refuses, and says so under the name.
  page.expectStatus('/api/v1/clients', 400);
  await page.click('#client-form button[type=submit]');
  const nameError = page.locator('[name=client_name] ~ .field-error');
  await nameError.waitFor();
  assert.equal(await nameError.textContent(), 'client_name may not be empty');
  assert.equal(await page.getAttribute('[name=client_name]', 'aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.name), 'client_name');

  await page.fill('[name=client_name]', 'forecast-reader');
  await page.fill('[name=description]', 'Reads the forecast hourly');
  await page.check('#client-scopes input[value="demo:weather"]');
  await page.fill('[name=access_token_lifetime]', '300');
  await page.click('#client-form button[type=submit]');
  await page.waitForSelector('#deactivate-client');
  assert.equal(await page.textContent('#status'), 'Client forecast-reader registered.');
  assert.equal(await page.textContent('main h1'), 'Client forecast-reader active');
  const id = await page.textContent('#client-id');

  const { status, body } = await api('GET', `/v1/clients/${id}`);
  assert.equal(status, 200);
  assert.equal(body.client_name, 'forecast-reader');
  assert.equal(body.description, 'Reads the forecast hourly');
  assert.deepEqual(body.scopes, ['demo:weather']);
  assert.equal(body.access_token_lifetime, 300);
  assert.equal(body.client_orgno, CONSUMER);
  assert.equal(body.active, true);

  // It is in the list, as the API lists it.
  await page.click('#nav a[href="#/clients"]');
  await page.waitForSelector('#new-client');
  const row = page.locator('main tbody tr', { hasText: id });
  assert.deepEqual(await row.locator('td').allTextContents(),
    ['forecast-reader', id, 'demo:weather ', '300 s', 'active']);
  const listed = (await api('GET', '/v1/clients')).body.map((c) => c.client_id).sort();
  const shown = (await page.locator('main tbody tr td:nth-child(2)').allTextContents()).sort();
  assert.deepEqual(shown, listed);
  await screenshot(page, 'clients-desktop');
  assert.deepEqual(page.problems, []);
});

test('edit a client: name, description, scopes and lifetime; a PUT carries the whole client', async () => {
  const id = registerClient('edit-me', '--description', 'before');
  const api = consumerApi();
  const page = await openPage(browser);
  await signIn(page, server, server.consumer);
  await openClient(page, id);
  assert.equal(await page.inputValue('[name=client_name]'), 'edit-me');
  assert.equal(await page.inputValue('[name=description]'), 'before');
  assert.equal(await page.isChecked('#client-scopes input[value="demo:weather"]'), false);

  await page.fill('[name=client_name]', 'edited');
  await page.fill('[name=description]', 'after');
  await page.check('#client-scopes input[value="demo:weather"]');
  await page.fill('[name=access_token_lifetime]', '600');
  await page.click('#client-form button[type=submit]');
  await waitForStatus(page, 'Saved.');
  await page.waitForFunction(() => document.querySelector('main h1')?.textContent.startsWith('Client edited'));
  let body = (await api('GET', `/v1/clients/${id}`)).body;
  assert.deepEqual([body.client_name, body.description, body.scopes, body.access_token_lifetime],
    ['edited', 'after', ['demo:weather'], 600]);
  // Shown as saved after the page read it again.
  assert.equal(await page.inputValue('[name=access_token_lifetime]'), '600');
  assert.equal(await page.isChecked('#client-scopes input[value="demo:weather"]'), true);

  // Emptied fields are sent empty, and an empty lifetime is the default.
  await page.fill('[name=description]', '');
  await page.uncheck('#client-scopes input[value="demo:weather"]');
  await page.fill('[name=access_token_lifetime]', '');
  const put = page.waitForResponse((r) => r.url().endsWith(`/v1/clients/${id}`) && r.request().method() === 'PUT');
  await page.click('#client-form button[type=submit]');
  const sent = (await put).request().postDataJSON();
  assert.deepEqual(sent, { client_name: 'edited', description: '', scopes: [], access_token_lifetime: 120 });
  await page.waitForFunction(() => document.querySelector('[name=access_token_lifetime]')?.value === '120');
  body = (await api('GET', `/v1/clients/${id}`)).body;
  assert.deepEqual([body.client_name, body.description, body.scopes, body.access_token_lifetime],
    ['edited', '', [], 120]);
  assert.deepEqual(page.problems, []);
});

test('a client\'s keys: upload a JWK and a PEM, see expiry, a warning when it is near, remove one', async () => {
  const id = registerClient('keyed', '--scope', 'demo:weather');
  const rsa = newKey('keyed-rsa');
  const ec = newKey('keyed-ec', 'ec');
  const ecPublicPem = execFileSync('openssl', ['pkey', '-in', ec.pem, '-pubout'], { encoding: 'utf8' });
  const api = consumerApi();
  const page = await openPage(browser);
  const sentBodies = [];
  page.on('request', (r) => { if (r.postData()) sentBodies.push(r.postData()); });
  await signIn(page, server, server.consumer);
  await openClient(page, id);
  assert.equal(await page.textContent('#no-keys'), 'This client has no key yet: it cannot get tokens.');

  // A private key is refused here and never sent.
  const before = sentBodies.length;
  await page.fill('#key-upload-form [name=key_text]', fs.readFileSync(rsa.pem, 'utf8'));
  await page.click('#key-upload-form button[type=submit]');
  const textError = page.locator('#key-upload-form [name=key_text] ~ .field-error');
  await textError.waitFor();
  assert.equal(await textError.textContent(),
    'This is a private key. Upload only its public key; the private key was not sent.');
  assert.equal(sentBodies.length, before);

  // A JWK file.
  await page.fill('#key-upload-form [name=key_text]', '');
  await page.setInputFiles('#key-upload-form [name=key_file]', rsa.jwk);
  await page.click('#key-upload-form button[type=submit]');
  await waitForStatus(page, `Key ${rsa.kid} added.`);
  await page.waitForSelector(`button[data-kid="${rsa.kid}"]`);
  // A pasted PEM public key: its kid is its thumbprint.
  await page.fill('#key-upload-form [name=key_text]', ecPublicPem);
  await page.click('#key-upload-form button[type=submit]');
  await waitForStatus(page, `Key ${ec.kid} added.`);
  await page.waitForSelector(`button[data-kid="${ec.kid}"]`);

  let keys = (await api('GET', `/v1/clients/${id}/jwks`)).body.keys;
  assert.deepEqual(keys.map((k) => [k.kid, k.alg]).sort(), [[rsa.kid, 'RS256'], [ec.kid, 'ES256']].sort());
  for (const k of keys) {
    assert.deepEqual(await keyRow(page, k.kid), [k.kid, k.alg, expectedExpiry(k.exp)]);
  }
  assert.equal(await page.locator('#keys .tag.warn').count(), 0);

  // A key that expires in 10 days, added with the CLI, is flagged.
  const soon = newKey('keyed-soon');
  server.mpctl('client', 'keys', 'add', id, '--key', soon.jwk, '--expires-in-days', '10');
  await page.click('#nav a[href="#/clients"]');
  await page.click(`a[href="#/clients/${id}"]`);
  await page.waitForSelector(`button[data-kid="${soon.kid}"]`);
  keys = (await api('GET', `/v1/clients/${id}/jwks`)).body.keys;
  const soonKey = keys.find((k) => k.kid === soon.kid);
  assert.ok(soonKey.exp - Date.now() / 1000 < 10 * 86400 + 60);
  assert.deepEqual(await keyRow(page, soon.kid),
    [soon.kid, 'RS256', `${expectedExpiry(soonKey.exp)} less than 30 days left: upload a new key`]);
  assert.match(expectedExpiry(soonKey.exp), / 9 days left$/);
  const warnings = page.locator('#keys tbody tr', { has: page.locator('.tag.warn') });
  assert.equal(await warnings.count(), 1);
  assert.match(await warnings.textContent(), new RegExp(soon.kid));
  await screenshot(page, 'client-keys-desktop');
  // Beside long kids, each Remove button should read as one word on one
  // line (checked at the end, so that the journey runs whatever the layout).
  const removeLines = await page.locator('#keys button[data-kid]').evaluateAll((buttons) => buttons.map((b) => {
    const range = document.createRange();
    range.selectNodeContents(b);
    return range.getClientRects().length;
  }));

  // Removing asks first; cancelling keeps the key.
  await page.click(`button[data-kid="${soon.kid}"]`);
  assert.equal(await page.textContent('dialog p'),
    `Remove key ${soon.kid}? Grants signed with it are refused from then on.`);
  await page.click('dialog button[value=no]');
  await page.waitForSelector('dialog', { state: 'detached' });
  assert.equal(await page.locator(`button[data-kid="${soon.kid}"]`).count(), 1);
  assert.equal((await api('GET', `/v1/clients/${id}/jwks`)).body.keys.length, 3);
  await page.click(`button[data-kid="${soon.kid}"]`);
  await page.click('dialog button[value=yes]');
  await waitForStatus(page, `Key ${soon.kid} removed.`);
  // The view is read again: the two other keys, without it.
  await page.waitForSelector(`button[data-kid="${rsa.kid}"]`);
  assert.equal(await page.locator(`button[data-kid="${soon.kid}"]`).count(), 0);
  assert.equal(await page.locator('#keys tbody tr').count(), 2);
  keys = (await api('GET', `/v1/clients/${id}/jwks`)).body.keys;
  assert.deepEqual(keys.map((k) => k.kid).sort(), [rsa.kid, ec.kid].sort());
  // No private key left the page.
  assert.equal(sentBodies.some((b) => b.includes('PRIVATE KEY')), false);
  assert.deepEqual(page.problems, []);
  assert.deepEqual(removeLines, [1, 1, 1], 'a Remove button wraps onto two lines');
});

test('generate a key pair in the browser: the private key is downloaded, the public one listed, and it works', async () => {
  const id = registerClient('generated', '--scope', 'demo:weather');
  const api = consumerApi();
  const page = await openPage(browser);
  const sentBodies = [];
  page.on('request', (r) => { if (r.postData()) sentBodies.push(r.postData()); });
  await signIn(page, server, server.consumer);
  await openClient(page, id);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#generate-key')]);
  const name = download.suggestedFilename();
  const m = name.match(/^generated-([A-Za-z0-9_-]{43})\.pem$/);
  assert.ok(m, name);
  const kid = m[1];
  const keyFile = file(name);
  await download.saveAs(keyFile);
  const pem = fs.readFileSync(keyFile, 'utf8');
  assert.match(pem, /^-----BEGIN PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END PRIVATE KEY-----\n$/);
  await waitForStatus(page, `Key ${kid} added. Keep the downloaded private key: it is not stored anywhere else.`);
  await page.waitForSelector(`button[data-kid="${kid}"]`);
  assert.deepEqual((await keyRow(page, kid)).slice(0, 2), [kid, 'RS256']);

  // The server holds the public half only, under the key's thumbprint.
  const keys = (await api('GET', `/v1/clients/${id}/jwks`)).body.keys;
  assert.deepEqual(keys.map((k) => [k.kid, k.kty, k.alg, k.use]), [[kid, 'RSA', 'RS256', 'sig']]);
  for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) assert.equal(member in keys[0], false, member);
  const pub = JSON.parse(server.mpctl('key', 'jwk', keyFile));
  assert.equal(pub.kid, kid);
  assert.equal(pub.n, keys[0].n);
  const body = pem.split('\n').slice(1, -2).join('');
  assert.equal(sentBodies.some((b) => b.includes('PRIVATE KEY') || b.includes(body.slice(0, 64))), false);

  // The downloaded key gets a token from the server.
  const token = server.mpctl('token', '--issuer', server.url, '--client-id', id, '--key', keyFile,
    '--scope', 'demo:weather', '--no-cache').trim();
  const [header, claims] = token.split('.').slice(0, 2).map(decodePart);
  const jwks = await (await fetch(`${server.url}jwk`)).json();
  assert.ok(jwks.keys.some((k) => k.kid === header.kid && k.alg === header.alg), JSON.stringify(header));
  assert.equal(claims.client_id, id);
  assert.equal(claims.scope, 'demo:weather');
  assert.deepEqual(claims.consumer, { authority: 'iso6523-actorid-upis', ID: `0192:${CONSUMER}` });
  assert.deepEqual(page.problems, []);
});

test('try a token with a client\'s private key; a wrong key shows the MP code', async () => {
  const api = consumerApi();
  const weather = (await api('GET', '/v1/clients')).body.find((c) => c.client_name === 'weather-app');
  const page = await openPage(browser);
  await signIn(page, server, server.consumer);
  await page.click('#nav a[href="#/try"]');
  await page.waitForSelector('#try-form');
  await page.selectOption('#try-client', weather.client_id);
  const box = page.locator('#try-scopes input[value="demo:weather"]');
  assert.equal(await box.isChecked(), true);
  assert.equal(await page.locator('#try-scopes input').count(), weather.scopes.length);
  await page.setInputFiles('#try-form [name=key_file]', server.clientKeyFile);
  await page.click('#try-submit');
  await page.waitForSelector('#try-claims');
  assert.equal(await page.textContent('#status'), 'Got a token.');

  const response = JSON.parse(await page.textContent('#try-response'));
  assert.equal(response.token_type, 'Bearer');
  assert.equal(response.scope, 'demo:weather');
  assert.equal(response.expires_in, weather.access_token_lifetime);
  const header = JSON.parse(await page.textContent('#try-header'));
  const claims = JSON.parse(await page.textContent('#try-claims'));
  const [tokenHeader, tokenClaims] = response.access_token.split('.').slice(0, 2).map(decodePart);
  assert.deepEqual(header, tokenHeader);
  assert.deepEqual(claims, tokenClaims);
  assert.deepEqual(claims.consumer, { authority: 'iso6523-actorid-upis', ID: `0192:${CONSUMER}` });
  assert.equal(claims.scope, 'demo:weather');
  assert.equal(claims.client_id, weather.client_id);
  assert.equal(claims.iss, server.url);
  assert.equal(claims.exp - claims.iat, weather.access_token_lifetime);
  // Signed by a key the server publishes.
  const jwks = await (await fetch(`${server.url}jwk`)).json();
  assert.ok(jwks.keys.some((k) => k.kid === header.kid), header.kid);
  // The token is good: the API accepts it as a bearer token (it carries no
  // admin scope, so the answer is 403 insufficient_scope, not 401).
  const r = await fetch(`${server.url}api/v1/clients`, { headers: { Authorization: `Bearer ${response.access_token}` } });
  assert.equal(r.status, 403);
  assert.equal((await r.json()).error, 'insufficient_scope');
  await screenshot(page, 'try-desktop');

  // Another client's key: the token endpoint refuses, with its MP code.
  await page.selectOption('#try-client', weather.client_id);
  await page.setInputFiles('#try-form [name=key_file]', server.consumer.keyFile);
  page.expectStatus('/token', 400);
  await page.click('#try-submit');
  const error = page.locator('#try-result .error-box');
  await error.waitFor();
  const text = await error.textContent();
  const code = text.match(/^The token endpoint refused: (MP-\d+): /);
  assert.ok(code, text);
  assert.equal(await error.locator('a').getAttribute('href'), `${server.url}errors/${code[1]}`);
  assert.equal(await page.locator('#try-claims').count(), 0);
  assert.equal(await page.textContent('#status'), 'No token: see why below.');
  assert.deepEqual(page.problems, []);
});

test('delegate a scope to a supplier, checked as typed; remove it after a confirmation', async () => {
  const api = consumerApi();
  const page = await openPage(browser);
  await signIn(page, server, server.consumer);
  await page.click('#nav a[href="#/delegations"]');
  await page.waitForSelector('#delegation-form');
  // Only delegable scopes it may use are offered.
  const offered = await page.locator('#delegation-form select[name=scope] option').allTextContents();
  assert.deepEqual(offered, ['demo:weather']);

  const supplier = page.locator('#delegation-form [name=supplier_orgno]');
  const error = page.locator('#delegation-form [name=supplier_orgno] ~ .field-error');
  await supplier.fill('92000');
  assert.equal(await error.isHidden(), true);  // not yet: it is still being typed
  await page.click('#delegation-form button[type=submit]');
  assert.equal(await error.textContent(), 'An organisation number has exactly nine digits.');
  await supplier.fill('920000003');
  assert.equal(await error.textContent(),
    'This is not an organisation number: its check digit does not match (modulus 11).');
  assert.equal(await supplier.getAttribute('aria-invalid'), 'true');
  await supplier.fill(SUPPLIER);
  assert.equal(await error.isHidden(), true);
  await page.selectOption('#delegation-form select[name=scope]', 'demo:weather');
  await page.click('#delegation-form button[type=submit]');
  await waitForStatus(page, `demo:weather delegated to organisation ${SUPPLIER}.`);

  const given = (await api('GET', '/v1/delegations')).body
    .filter((d) => d.scope === 'demo:weather' && d.supplier_orgno === SUPPLIER && d.active);
  assert.equal(given.length, 1);
  const [d] = given;
  assert.equal(d.consumer_orgno, CONSUMER);
  assert.equal(d.delegation_source, 'https://altinn.example');
  await page.waitForSelector(`button[data-id="${d.id}"]`);
  const row = page.locator('main tbody tr', { has: page.locator(`button[data-id="${d.id}"]`) });
  assert.deepEqual((await row.locator('td').allTextContents()).slice(0, 4),
    ['demo:weather', CONSUMER, SUPPLIER, 'active']);

  await page.click(`button[data-id="${d.id}"]`);
  assert.equal(await page.textContent('dialog p'), `Remove the delegation of demo:weather to ${SUPPLIER}?`);
  await page.click('dialog button[value=no]');
  await page.waitForSelector('dialog', { state: 'detached' });
  assert.equal((await api('GET', '/v1/delegations')).body.find((x) => x.id === d.id).active, true);
  assert.equal(await page.locator(`button[data-id="${d.id}"]`).count(), 1);
  await page.click(`button[data-id="${d.id}"]`);
  await page.click('dialog button[value=yes]');
  await waitForStatus(page, 'Delegation removed.');
  await page.waitForSelector(`button[data-id="${d.id}"]`, { state: 'detached' });
  assert.equal((await api('GET', '/v1/delegations')).body.some((x) => x.id === d.id), false);
  const removed = (await api('GET', '/v1/delegations?inactive=true')).body.find((x) => x.id === d.id);
  assert.equal(removed.active, false);
  // Shown as removed among the inactive ones.
  await page.check('#show-inactive');
  await page.waitForSelector('main tbody tr:has-text("deactivated")');
  assert.deepEqual(page.problems, []);
});

test('deactivate a client after a confirmation; it shows as deactivated', async () => {
  const id = registerClient('short-lived', '--scope', 'demo:weather');
  const api = consumerApi();
  const page = await openPage(browser);
  await signIn(page, server, server.consumer);
  await openClient(page, id);
  await page.click('#deactivate-client');
  assert.equal(await page.textContent('dialog p'),
    'Deactivate client short-lived? Its grants are refused from then on.');
  await page.click('dialog button[value=no]');
  await page.waitForSelector('dialog', { state: 'detached' });
  assert.equal((await api('GET', `/v1/clients/${id}`)).body.active, true);
  await page.click('#deactivate-client');
  await page.click('dialog button[value=yes]');
  await waitForStatus(page, 'Client short-lived deactivated.');
  await page.waitForSelector('#deactivate-client', { state: 'detached' });
  assert.equal(await page.textContent('main h1'), 'Client short-lived deactivated');
  assert.equal(await page.locator('#client-form').count(), 0);
  assert.equal(await page.locator('#key-upload-form').count(), 0);
  assert.equal((await api('GET', `/v1/clients/${id}`)).body.active, false);

  await page.click('#nav a[href="#/clients"]');
  await page.waitForSelector('#new-client');
  assert.equal(await page.locator(`main tbody tr:has-text("${id}")`).count(), 0);
  await page.check('#show-inactive');
  const row = page.locator(`main tbody tr:has-text("${id}")`);
  await row.waitFor();
  assert.equal(await row.locator('td').last().textContent(), 'deactivated');
  assert.equal((await api('GET', '/v1/clients')).body.some((c) => c.client_id === id), false);
  assert.equal((await api('GET', '/v1/clients?inactive=true')).body.find((c) => c.client_id === id).active, false);
  // A deactivated client cannot be tried.
  await page.click('#nav a[href="#/try"]');
  await page.waitForSelector('#try-client');
  assert.equal(await page.locator(`#try-client option[value="${id}"]`).count(), 0);
  assert.deepEqual(page.problems, []);
});

test('another org\'s client is never shown: not listed, and opening it is refused', async () => {
  const theirs = server.mpctl('client', 'register', '--org', SUPPLIER, '--name', 'theirs', '--output', 'id').trim();
  const api = consumerApi();
  assert.equal((await api('GET', `/v1/clients/${theirs}`)).status, 404);
  assert.equal((await api('GET', '/v1/clients?inactive=true')).body.some((c) => c.client_id === theirs), false);

  const page = await openPage(browser);
  await signIn(page, server, server.consumer);
  await page.click('#nav a[href="#/clients"]');
  await page.waitForSelector('#new-client');
  await page.check('#show-inactive');
  await page.waitForSelector('#show-inactive:checked');  // the list read again, with deactivated ones
  await page.waitForSelector('#new-client');
  assert.equal(await page.locator('main', { hasText: theirs }).count(), 0);
  assert.equal(await page.locator('main tbody td:first-child', { hasText: /^theirs$/ }).count(), 0);
  const shown = (await page.locator('main tbody tr td:nth-child(2)').allTextContents()).sort();
  assert.deepEqual(shown, (await api('GET', '/v1/clients?inactive=true')).body.map((c) => c.client_id).sort());

  // Opened by its id: the client and its keys are both refused with 404
  // (two answers from URLs that hold /v1/clients/ID, in either order).
  page.expectStatus(`/v1/clients/${theirs}`, 404);
  page.expectStatus(`/v1/clients/${theirs}`, 404);
  const answers = Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/v1/clients/${theirs}`)),
    page.waitForResponse((r) => r.url().endsWith(`/v1/clients/${theirs}/jwks`)),
  ]);
  await page.goto(`${server.url}app/#/clients/${theirs}`);
  assert.deepEqual((await answers).map((r) => r.status()), [404, 404]);
  const error = page.locator('main .error-box');
  await error.waitFor();
  assert.equal(await error.textContent(), `client ${theirs} does not exist`);
  assert.equal(await page.textContent('main h1'), `Client ${theirs}`);
  assert.equal(await page.locator('#client-form, #client-id, #keys, #deactivate-client').count(), 0);
  assert.equal(await page.locator('main', { hasText: 'theirs' }).count(), 0);
  assert.deepEqual(page.problems, []);
});

test('on a phone: the sign-in page and the clients list fit the screen', async () => {
  const page = await openPage(browser, { phone: true });
  await page.goto(`${server.url}app/`);
  await page.waitForSelector('#signin-key');
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.equal(await overflow(), 0);
  await screenshot(page, 'signin-phone');
  await signIn(page, server, server.consumer);
  await page.click('#nav a[href="#/clients"]');
  await page.waitForSelector('#new-client');
  assert.ok(await page.locator('main tbody tr').count() >= 1);
  // Rows show as cards: each cell with its header above it.
  assert.equal(await page.locator('main thead').evaluate((el) => getComputedStyle(el).position), 'absolute');
  assert.equal(await overflow(), 0);
  await screenshot(page, 'clients-phone');
  assert.deepEqual(page.problems, []);
  // The caption spans the cards, not squeezed into a narrow column.
  const [captionWidth, tableWidth] = await page.locator('main table').evaluate((table) =>
    [table.caption.getBoundingClientRect().width, table.getBoundingClientRect().width]);
  assert.equal(captionWidth, tableWidth, 'the table caption is squeezed');
});

test('a session that may only read is offered nothing that changes', async () => {
  const id = registerClient('read-only-view', '--scope', 'demo:weather');
  const token = server.mpctl('token', '--issuer', server.url, '--client-id', server.consumer.clientId,
    '--key', server.consumer.keyFile, '--scope', 'idporten:dcr.read', '--no-cache').trim();
  const page = await openPage(browser);
  await page.goto(`${server.url}app/`);
  await page.click('#tab-token');
  await page.fill('#signin-token-text', token);
  await page.click('#signin-token button[type=submit]');
  await page.waitForSelector('#who-org');
  await page.click('#nav a[href="#/clients"]');
  await page.waitForSelector(`a[href="#/clients/${id}"]`);
  assert.equal(await page.locator('#new-client').count(), 0);
  await openClient(page, id);
  for (const selector of ['#client-form', '#deactivate-client', '#key-upload-form', '#generate-key']) {
    assert.equal(await page.locator(selector).count(), 0, selector);
  }
  await page.click('#nav a[href="#/delegations"]');
  await page.waitForSelector('main h1');
  assert.equal(await page.locator('#delegation-form').count(), 0);
  assert.equal(await page.locator('#nav a[href="#/scopes"]').count(), 0);
  assert.deepEqual(page.problems, []);
});

runTests('consumer');
