// SPDX-License-Identifier: Apache-2.0
// Altinn's system users on the page: a vendor sees the systems it
// registered and who approved them; a customer creates a system user for a
// system offered to it, sees it, and removes it. Each is clicked as a person
// would and checked through the self-service API too.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { CONSUMER, SUPPLIER, adminClient, apiAs, launch, openPage, screenshot, signIn, runTests, startServer,
  test } from './harness.mjs';

let server;
let browser;
let vendor;  // the supplier org, signing in as a system vendor
before(async () => {
  server = await startServer();
  browser = await launch();
  vendor = adminClient(server, SUPPLIER, 'vendor-admin');
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

// The API as each org, with a fresh token (admin tokens live 120 s).
const vendorApi = () => apiAs(server, vendor);
const customerApi = () => apiAs(server, server.consumer);

// A system of the vendor, "SUPPLIER_<name>", with a client of its own that
// acts for it; answers the system as the API answers it.
let systems = 0;
async function registerSystem(name, { visible = true, deactivated = false } = {}) {
  const client = server.mpctl('client', 'register', '--org', SUPPLIER, '--name', `${name}-client-${++systems}`,
    '--output', 'id').trim();
  const api = vendorApi();
  const { status, body } = await api('POST', '/v1/systemregister/vendor', {
    id: `${SUPPLIER}_${name}`, name: { nb: `${name} (bokmål)`, en: `${name} (English)` },
    description: { nb: 'Eit system' }, clientId: [client], isVisible: visible,
  });
  assert.equal(status, 200, JSON.stringify(body));
  if (deactivated) {
    assert.equal((await api('DELETE', `/v1/systemregister/vendor/${body.id}`)).status, 200);
  }
  return body;
}

async function waitForStatus(page, text) {
  await page.waitForFunction((want) => document.querySelector('#status').textContent === want, text);
}

async function openSystems(page, who) {
  await signIn(page, server, who);
  await page.click('#nav a[href="#/systems"]');
  await page.waitForSelector('#our-systems');
  assert.equal(await page.textContent('main h1'), 'System users');
}

const rowOf = (page, section, text) => page.locator(`${section} tbody tr`, { hasText: text });
const cells = (row) => row.locator('td').allTextContents();

test('a vendor sees its systems, visible or not, and the customers that approved them', async () => {
  const shown = await registerSystem('forecast');
  const hidden = await registerSystem('internal', { visible: false });
  const approved = await customerApi()('POST', '/v1/systemuser', { systemId: shown.id, externalRef: 'vendor-view' });
  assert.equal(approved.status, 200, JSON.stringify(approved.body));

  const page = await openPage(browser);
  await signIn(page, server, vendor);
  // The overview leads there too.
  await page.waitForSelector('main .card a[href="#/systems"]');
  await screenshot(page, 'systems-overview-desktop');
  await page.click('main .card a[href="#/systems"]');
  await page.waitForSelector('#our-systems');
  assert.equal(await page.getAttribute('#nav a[href="#/systems"]', 'aria-current'), 'page');
  // Names in the page's language (English), of those the system has.
  const forecast = rowOf(page, '#our-systems > table', shown.id);
  assert.deepEqual(await cells(forecast),
    [shown.id, 'forecast (English)', `${shown.clientId[0]} `, 'yes', 'active']);
  assert.deepEqual(await cells(rowOf(page, '#our-systems > table', hidden.id)),
    [hidden.id, 'internal (English)', `${hidden.clientId[0]} `, 'no', 'active']);
  // Its systems as the API lists them (not the systems others offer).
  const listed = (await vendorApi()('GET', '/v1/systemregister')).body
    .filter((s) => s.vendor.ID === `0192:${SUPPLIER}`).map((s) => s.id).sort();
  const ids = (await page.locator('#our-systems > table tbody tr td:first-child').allTextContents()).sort();
  assert.deepEqual(ids, listed);

  // The customer's approval, read-only for the vendor.
  const customer = rowOf(page, '#our-customers', 'vendor-view');
  assert.deepEqual((await cells(customer)).slice(0, 3), [shown.id, CONSUMER, 'vendor-view']);
  assert.equal(await page.locator('#our-customers button').count(), 0);
  assert.equal(await page.locator('#our-systemusers tbody tr').count(), 0);
  assert.equal(await page.textContent('#no-systemusers'), 'No system may act for your organisation yet.');
  await screenshot(page, 'systems-vendor-desktop');
  assert.deepEqual(page.problems, []);
});

test('a customer creates a system user from the offered systems, sees it and removes it', async () => {
  const system = await registerSystem('payroll');
  const hidden = await registerSystem('secret', { visible: false });
  const gone = await registerSystem('retired', { deactivated: true });
  const api = customerApi();
  const page = await openPage(browser);
  await openSystems(page, server.consumer);
  assert.equal(await page.textContent('#no-systems'),
    'Your organisation has registered no system. A vendor registers its systems with the API or the '
    + 'command line: POST /api/v1/systemregister/vendor, mpctl system add.');

  // Offered: the active visible systems, as the API offers them.
  const offered = await page.locator('#systemuser-system option').evaluateAll((os) => os.map((o) => o.value));
  assert.ok(offered.includes(system.id), offered.join(', '));
  assert.equal(offered.includes(hidden.id), false);
  assert.equal(offered.includes(gone.id), false);
  const register = (await api('GET', '/v1/systemregister')).body.filter((s) => !s.isDeleted).map((s) => s.id);
  assert.deepEqual(offered.slice().sort(), register.sort());
  assert.equal(await page.textContent(`#systemuser-system option[value="${system.id}"]`),
    `payroll (English) (${system.id}, vendor ${SUPPLIER})`);

  await page.selectOption('#systemuser-system', system.id);
  await page.fill('#systemuser-form [name=externalRef]', 'dept-42');
  await page.fill('#systemuser-form [name=integrationTitle]', 'Payroll for dept 42');
  const post = page.waitForResponse((r) => r.url().endsWith('/api/v1/systemuser') && r.request().method() === 'POST');
  await page.click('#systemuser-form button[type=submit]');
  const sent = (await post).request().postDataJSON();
  assert.deepEqual(sent, { systemId: system.id, externalRef: 'dept-42', integrationTitle: 'Payroll for dept 42' });
  const mine = (await api('GET', `/v1/systemuser?system=${system.id}`)).body;
  assert.equal(mine.length, 1);
  const [user] = mine;
  assert.deepEqual([user.systemId, user.partyOrgNo, user.supplierOrgNo, user.externalRef, user.integrationTitle,
    user.isDeleted], [system.id, CONSUMER, SUPPLIER, 'dept-42', 'Payroll for dept 42', false]);
  // Its id is said, and it is listed.
  await waitForStatus(page, `System user ${user.id} created for ${system.id}.`);
  await page.waitForSelector(`button[data-id="${user.id}"]`);
  assert.deepEqual(await cells(rowOf(page, '#our-systemusers', user.id)),
    [`Payroll for dept 42${user.id}`, `payroll (English)${system.id}`, SUPPLIER, 'dept-42', 'active', 'Remove']);
  assert.equal(await page.textContent(`[data-systemuser="${user.id}"]`), user.id);

  // Without a title or a reference: the system's name (as the server shows
  // it: bokmål first), and the org number.
  await page.selectOption('#systemuser-system', system.id);
  await page.click('#systemuser-form button[type=submit]');
  await page.waitForFunction((first) => {
    const said = document.querySelector('#status').textContent;
    return said.startsWith('System user ') && !said.includes(first);
  }, user.id);
  const plain = (await api('GET', `/v1/systemuser?system=${system.id}`)).body.find((u) => u.id !== user.id);
  await waitForStatus(page, `System user ${plain.id} created for ${system.id}.`);
  await page.waitForSelector(`button[data-id="${plain.id}"]`);
  assert.deepEqual([plain.externalRef, plain.integrationTitle], [CONSUMER, 'payroll (bokmål)']);
  await screenshot(page, 'systems-customer-desktop');

  // Removing asks first; cancelling keeps it.
  await page.click(`button[data-id="${user.id}"]`);
  assert.equal(await page.textContent('dialog p'),
    `Remove the system user Payroll for dept 42 of ${system.id}? The system may no longer act for your organisation.`);
  await page.click('dialog button[value=no]');
  await page.waitForSelector('dialog', { state: 'detached' });
  assert.equal((await api('GET', `/v1/systemuser/${user.id}`)).body.isDeleted, false);
  await page.click(`button[data-id="${user.id}"]`);
  await page.click('dialog button[value=yes]');
  await waitForStatus(page, 'System user Payroll for dept 42 removed.');
  await page.waitForSelector(`button[data-id="${user.id}"]`, { state: 'detached' });
  assert.equal(await rowOf(page, '#our-systemusers', user.id).count(), 0);
  assert.equal((await api('GET', `/v1/systemuser/${user.id}`)).body.isDeleted, true);
  assert.equal((await api('GET', '/v1/systemuser')).body.some((u) => u.id === user.id), false);
  // Shown as deactivated among the deactivated ones, with nothing to click.
  await page.check('#show-inactive');
  const row = rowOf(page, '#our-systemusers', user.id);
  await row.waitFor();
  assert.deepEqual((await cells(row)).slice(4), ['deactivated', '']);
  await page.uncheck('#show-inactive');
  await page.waitForSelector(`#our-systemusers tbody tr:has-text("${user.id}")`, { state: 'detached' });
  assert.deepEqual(page.problems, []);
});

test('the API\'s refusal shows beside the field it names: an externalRef taken already', async () => {
  const system = await registerSystem('ledger');
  const first = await customerApi()('POST', '/v1/systemuser', { systemId: system.id, externalRef: 'taken' });
  assert.equal(first.status, 200, JSON.stringify(first.body));
  const page = await openPage(browser);
  await openSystems(page, server.consumer);
  await page.selectOption('#systemuser-system', system.id);
  const ref = page.locator('#systemuser-form [name=externalRef]');
  await ref.fill('taken');
  page.expectStatus('/api/v1/systemuser', 409);
  await page.click('#systemuser-form button[type=submit]');
  const error = page.locator('#systemuser-form [name=externalRef] ~ .field-error');
  await error.waitFor();
  assert.equal(await error.textContent(), `org ${CONSUMER} has the system user ${first.body.id} for system `
    + `${system.id} with externalRef "taken" already; give another externalRef`);
  assert.equal(await ref.getAttribute('aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.name), 'externalRef');
  await screenshot(page, 'systems-refused-desktop');
  // Another reference is accepted, and the refusal goes away.
  await ref.fill('free');
  await page.click('#systemuser-form button[type=submit]');
  await page.waitForSelector('#our-systemusers tbody tr:has-text("free")');
  assert.equal(await page.locator('#systemuser-form .field-error:not([hidden])').count(), 0);
  const refs = (await customerApi()('GET', `/v1/systemuser?system=${system.id}`)).body.map((u) => u.externalRef);
  assert.deepEqual(refs.sort(), ['free', 'taken']);
  assert.deepEqual(page.problems, []);
});

test('a session that may only read is offered no form and no Remove button', async () => {
  const system = await registerSystem('readonly');
  const made = await customerApi()('POST', '/v1/systemuser', { systemId: system.id, externalRef: 'ro' });
  const token = server.mpctl('token', '--issuer', server.url, '--client-id', server.consumer.clientId,
    '--key', server.consumer.keyFile, '--scope', 'idporten:dcr.read', '--no-cache').trim();
  const page = await openPage(browser);
  await page.goto(`${server.url}app/`);
  await page.click('#tab-token');
  await page.fill('#signin-token-text', token);
  await page.click('#signin-token button[type=submit]');
  await page.waitForSelector('#who-org');
  await page.click('#nav a[href="#/systems"]');
  await page.waitForSelector(`#our-systemusers tbody tr:has-text("${made.body.id}")`);
  assert.equal(await page.locator('#systemuser-form, #new-systemuser, #our-systemusers button').count(), 0);
  assert.deepEqual(page.problems, []);
});

test('on a phone: the system users fit the screen', async () => {
  const system = await registerSystem('pocket');
  await customerApi()('POST', '/v1/systemuser', { systemId: system.id, externalRef: 'phone' });
  const page = await openPage(browser, { phone: true });
  await openSystems(page, server.consumer);
  await page.waitForSelector('#our-systemusers tbody tr');
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), 0);
  await screenshot(page, 'systems-phone');
  assert.deepEqual(page.problems, []);
});

runTests('systems');
