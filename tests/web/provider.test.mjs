// SPDX-License-Identifier: Apache-2.0
// An API provider's journeys: its scopes, and who may use them.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { CONSUMER, apiAs, launch, openPage, screenshot, signIn, runTests, startServer, test } from './harness.mjs';

let server;
let browser;
let api;
before(async () => {
  server = await startServer();
  browser = await launch();
  api = apiAs(server, server.provider);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const XSS = '<img src=x onerror=alert(1)>';

test('prefixes and scopes, deactivated ones on request', async () => {
  const page = await openPage(browser);
  await signIn(page, server, server.provider);
  await page.click('#nav a[href="#/scopes"]');
  await page.waitForSelector('#new-scope');
  assert.match(await page.textContent('main .lead'), /Our prefixes: demo/);
  const names = await page.locator('main table tbody tr td:first-child').allTextContents();
  assert.ok(names.includes('demo:archive') && names.includes('demo:weather'), names);  // others add theirs
  server.mpctl('scope', 'create', 'demo:old', '--description', 'old');
  server.mpctl('scope', 'deactivate', 'demo:old');
  await page.click('#nav a[href="#/"]');
  await page.click('#nav a[href="#/scopes"]');
  await page.waitForSelector('#new-scope');
  assert.equal(await page.locator('text=demo:old').count(), 0);
  await page.check('#show-inactive');
  await page.waitForSelector('text=demo:old');
  await screenshot(page, 'scopes-desktop');
  await page.uncheck('#show-inactive');
  assert.deepEqual(page.problems, []);
});

test('create a scope with every field; the API\'s refusal shows beside its field', async () => {
  const page = await openPage(browser);
  await signIn(page, server, server.provider);
  await page.goto(`${server.url}app/#/scopes/new`);
  await page.waitForSelector('#scope-form');
  await page.fill('[name=subscope]', 'Bad Name');
  await page.fill('[name=description]', 'Temperatures');
  page.expectStatus('/api/v1/scopes', 400);
  await page.click('#scope-form button[type=submit]');
  const subscopeError = page.locator('[name=subscope] ~ .field-error');
  await subscopeError.waitFor();
  assert.match(await subscopeError.textContent(), /invalid scope name "demo:Bad Name"/);
  assert.equal(await page.getAttribute('[name=subscope]', 'aria-invalid'), 'true');

  await page.fill('[name=subscope]', 'temperature');
  await page.fill('[name=long_description]', `Hourly values.\n${XSS}`);
  await page.selectOption('[name=token_type]', 'OPAQUE');
  await page.fill('[name=at_max_age]', '600');
  await page.selectOption('[name=visibility]', 'PRIVATE');
  await page.check('#accessible_for_all');
  await page.fill('[name=delegation_source]', 'https://altinn.example');
  await page.check('#it-api_klient');
  await page.click('#scope-form button[type=submit]');
  await page.waitForSelector('#deactivate-scope');
  assert.equal(await page.textContent('#status'), 'Scope demo:temperature created.');
  const { body } = await api('GET', '/v1/scopes?scope=demo:temperature');
  assert.equal(body.long_description, `Hourly values.\n${XSS}`);
  assert.equal(body.token_type, 'OPAQUE');
  assert.equal(body.at_max_age, 600);
  assert.equal(body.visibility, 'PRIVATE');
  assert.equal(body.accessible_for_all, true);
  assert.equal(body.delegation_source, 'https://altinn.example');
  assert.deepEqual(body.allowed_integration_types, ['maskinporten', 'api_klient']);
  assert.deepEqual(page.problems, []);
});

test('edit a scope; text from the API shows as text', async () => {
  const page = await openPage(browser);
  await signIn(page, server, server.provider);
  await page.goto(`${server.url}app/#/scopes/demo:weather`);
  await page.waitForSelector('#scope-form');
  await page.fill('[name=description]', XSS);
  await page.click('#scope-form button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#status').textContent === 'Saved.');
  assert.equal((await api('GET', '/v1/scopes?scope=demo:weather')).body.description, XSS);
  await page.goto(`${server.url}app/#/scopes`);
  await page.waitForSelector('#new-scope');
  const cell = page.locator('main tbody tr', { hasText: 'demo:weather' }).locator('td').nth(1);
  assert.equal(await cell.textContent(), XSS);
  assert.equal(await page.locator('main img').count(), 0);
  assert.deepEqual(page.problems, []);
});

test('grant an org, checked as it is typed; revoke it', async () => {
  const page = await openPage(browser);
  await signIn(page, server, server.provider);
  await page.goto(`${server.url}app/#/scopes/demo:archive`);
  await page.waitForSelector('#grant-form');
  await page.fill('[name=orgno]', '12345');
  await page.click('#grant-form button[type=submit]');
  const error = page.locator('[name=orgno] ~ .field-error');
  assert.equal(await error.textContent(), 'An organisation number has exactly nine digits.');
  await page.fill('[name=orgno]', '910000005');
  assert.equal(await error.textContent(),
    'This is not an organisation number: its check digit does not match (modulus 11).');
  await page.fill('[name=orgno]', CONSUMER);
  assert.equal(await error.isHidden(), true);
  await page.click('#grant-form button[type=submit]');
  await page.waitForSelector(`button[data-org="${CONSUMER}"]`);
  assert.equal(await page.textContent('#status'), `Organisation ${CONSUMER} may now use demo:archive.`);
  let access = (await api('GET', '/v1/scopes/access?scope=demo:archive')).body;
  assert.deepEqual(access.map((a) => [a.consumer_orgno, a.state]), [[CONSUMER, 'APPROVED']]);

  await page.click(`button[data-org="${CONSUMER}"]`);
  await page.click('dialog button[value=no]');
  assert.equal((await api('GET', '/v1/scopes/access?scope=demo:archive')).body[0].state, 'APPROVED');
  await page.click(`button[data-org="${CONSUMER}"]`);
  await page.click('dialog button[value=yes]');
  await page.waitForFunction((org) => document.querySelector('#status').textContent.includes(`${org} may no longer`), CONSUMER);
  access = (await api('GET', '/v1/scopes/access?scope=demo:archive')).body;
  assert.equal(access[0].state, 'DENIED');  // Digdir's word
  assert.deepEqual(page.problems, []);
});

test('deactivate a scope after a confirmation, and activate it again', async () => {
  server.mpctl('scope', 'create', 'demo:brief', '--description', 'short-lived');
  const page = await openPage(browser);
  await signIn(page, server, server.provider);
  await page.goto(`${server.url}app/#/scopes/demo:brief`);
  await page.click('#deactivate-scope');
  assert.match(await page.textContent('dialog'), /Deactivate demo:brief\?/);
  await page.click('dialog button[value=yes]');
  await page.waitForFunction(() => document.querySelector('#status').textContent === 'Scope demo:brief deactivated.');
  assert.equal((await api('GET', '/v1/scopes?scope=demo:brief')).body.active, false);
  assert.equal(await page.locator('#scope-form').count(), 0);
  await screenshot(page, 'scope-deactivated');
  await page.click('#activate-scope');
  await page.waitForSelector('#scope-form');
  assert.equal(await page.textContent('#status'), 'Scope demo:brief is active again; its access list is as it was.');
  assert.equal((await api('GET', '/v1/scopes?scope=demo:brief')).body.active, true);
  assert.deepEqual(page.problems, []);
});

runTests('provider');
