// SPDX-License-Identifier: Apache-2.0
// The landing page, the error pages, and signing in and out.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before } from 'node:test';
import { launch, openPage, screenshot, signIn, runTests, startServer, test } from './harness.mjs';

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

function clean(page) {
  assert.deepEqual(page.problems, []);
}

test('the landing page names the issuer and links the metadata, the keys and the app', async () => {
  const page = await openPage(browser);
  await page.goto(server.url);
  assert.equal(await page.textContent('#issuer'), server.url);
  for (const href of ['.well-known/oauth-authorization-server', 'jwk', 'app/']) {
    assert.equal(await page.locator(`a[href="${href}"]`).count(), 1, href);
  }
  await screenshot(page, 'landing-desktop');
  await page.click('#open-app');
  await page.waitForSelector('#signin-key');
  clean(page);
});

test('an error page explains its code, as docs/errors.md does', async () => {
  const page = await openPage(browser);
  await page.goto(`${server.url}errors/MP-110`);
  assert.match(await page.textContent('h1'), /^MP-110: aud is not the issuer$/);
  assert.match(await page.textContent('main'), /How to fix: set aud to the issuer as the server.s metadata/);
  clean(page);
});

test('sign in with the admin client\'s key file: org, scopes and expiry in the header', async () => {
  const page = await openPage(browser);
  await signIn(page, server, server.provider);
  assert.equal(await page.textContent('#who-org'), `Organisation ${server.provider.org}`);
  assert.equal(await page.textContent('#who-scopes'), 'idporten:scopes.write');
  assert.match(await page.textContent('#who-expires'), /^token expires in \d+ s$/);
  // What the scopes allow is offered; what they do not is not.
  assert.equal(await page.locator('#nav a[href="#/scopes"]').count(), 1);
  assert.equal(await page.locator('#nav a[href="#/clients"]').count(), 0);
  await screenshot(page, 'overview-desktop');
  // The token and the key live in the page's memory only: a reload asks again.
  await page.reload();
  await page.waitForSelector('#signin-key');
  assert.equal(await page.locator('#who-org').count(), 0);
  await signIn(page, server, server.provider);
  await page.click('#sign-out');
  await page.waitForSelector('#signin-key');
  assert.equal(await page.textContent('#status'), 'Signed out. The key and the token are forgotten.');
  assert.equal(await page.locator('#nav a').count(), 0);
  clean(page);
});

test('a pasted key signs in too; a client with fewer admin scopes gets those it holds', async () => {
  const page = await openPage(browser);
  await page.goto(`${server.url}app/`);
  await page.fill('[name=client_id]', server.consumer.clientId);
  await page.fill('[name=key_text]', fs.readFileSync(server.consumer.keyFile, 'utf8'));
  // The consumer's admin client holds two of the four admin scopes: the
  // page is refused the other two, one at a time, then signs in.
  page.expectStatus('/token', 400);
  page.expectStatus('/token', 400);
  await page.click('#signin-key button[type=submit]');
  await page.waitForSelector('#who-org');
  assert.equal(await page.textContent('#who-org'), `Organisation ${server.consumer.org}`);
  assert.equal(await page.textContent('#who-scopes'), 'idporten:dcr.readidporten:dcr.write');
  clean(page);
});

test('a wrong key shows the server\'s refusal with its MP code at the form', async () => {
  const page = await openPage(browser);
  await page.goto(`${server.url}app/`);
  await page.fill('[name=client_id]', server.provider.clientId);
  await page.setInputFiles('[name=key_file]', server.consumer.keyFile);  // another client's key
  page.expectStatus('/token', 400);
  await page.click('#signin-key button[type=submit]');
  const box = page.locator('#signin-error .error-box');
  await box.waitFor();
  assert.match(await box.textContent(), /The server refused the sign-in: MP-100: /);
  assert.equal(await box.locator('a').getAttribute('href'), `${server.url}errors/MP-100`);
  assert.equal(await page.locator('#who-org').count(), 0);
  clean(page);
});

test('an unknown client, a public key and an empty form are refused with what is wrong', async () => {
  const page = await openPage(browser);
  await page.goto(`${server.url}app/`);
  await page.click('#signin-key button[type=submit]');
  assert.equal(await page.textContent('#signin-client-id-error'), 'Give the client id.');
  await page.fill('[name=client_id]', '123e4567-e89b-42d3-a456-426614174000');
  await page.setInputFiles('[name=key_file]', server.provider.keyFile);
  page.expectStatus('/token', 400);
  await page.click('#signin-key button[type=submit]');
  await page.locator('#signin-error .error-box').waitFor();
  assert.match(await page.textContent('#signin-error'), /MP-100/);
  await page.setInputFiles('[name=key_file]', []);
  await page.fill('[name=key_text]', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----');
  await page.click('#signin-key button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#signin-error').textContent.includes('public key'));
  clean(page);
});

// The page renews (or, for a pasted token, gives up) a token when 5 s or
// less are left. Rather than wait for that, the tests tell the page its
// token has 3 s left: what they check is the page's part, and the server
// still takes the token.
const nearlyOut = (page) => page.evaluate(async () => {
  (await import('./js/session.js')).session().expires = Date.now() / 1000 + 3;
});

test('a pasted access token signs in; when it runs out the page says so and asks again', async () => {
  const token = server.mpctl('token', '--issuer', server.url, '--client-id', server.consumer.clientId,
    '--key', server.consumer.keyFile, '--scope', 'idporten:dcr.read', '--no-cache').trim();
  const page = await openPage(browser);
  await page.goto(`${server.url}app/`);
  await page.click('#tab-token');
  await page.fill('[name=token]', token);
  await page.click('#signin-token button[type=submit]');
  await page.waitForSelector('#who-org');
  assert.equal(await page.textContent('#who-scopes'), 'idporten:dcr.read');
  await page.click('#nav a[href="#/clients"]');  // while it lasts, it works
  await page.waitForSelector('main a[href^="#/clients/"]');
  await nearlyOut(page);
  await page.waitForFunction(() => /^token expires in [0-3] s$/.test(document.querySelector('#who-expires').textContent));
  await page.click('#nav a[href="#/delegations"]');
  await page.waitForSelector('#signin-key');
  assert.equal(await page.textContent('#status'), 'Your session has ended. Sign in again.');
  clean(page);
});

test('with a key, a token that runs out is renewed by signing a new grant, and only then', async () => {
  const page = await openPage(browser);
  const grants = [];
  page.on('request', (r) => { if (r.url().endsWith('/token')) grants.push(r.url()); });
  await signIn(page, server, server.consumer);
  const token = () => page.evaluate(async () => (await import('./js/session.js')).session().token);
  const first = await token();
  const signInGrants = grants.length;
  await page.click('#nav a[href="#/clients"]');
  await page.waitForSelector('#new-client');
  assert.equal(grants.length, signInGrants, 'no new grant while the token lasts');
  await nearlyOut(page);
  await page.click('#nav a[href="#/delegations"]');
  await page.waitForSelector('#delegation-form');  // two API calls at once: one grant
  assert.equal(grants.length, signInGrants + 1, 'one new grant when it runs out');
  assert.notEqual(await token(), first);
  assert.match(await page.textContent('#who-expires'), /^token expires in 1[12]\d s$/);
  clean(page);
});

test('an EC P-256 key as a JWK file signs in, by keyboard alone', async () => {
  const jwkFile = `${server.dir}/admin-ec.jwk`;
  server.mpctl('key', 'generate', '--type', 'ec', '--jwk', '--out', jwkFile);
  const publicJwk = server.mpctl('key', 'jwk', jwkFile);
  server.mpctl('client', 'keys', 'add', server.provider.clientId, '--key', '-', { input: publicJwk });
  const page = await openPage(browser);
  await page.goto(`${server.url}app/`);
  await page.focus('#signin-client-id');
  await page.keyboard.type(server.provider.clientId);
  await page.setInputFiles('#signin-key-file', jwkFile);
  await page.focus('#signin-key-text');
  await page.keyboard.press('Tab');  // to the submit button
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Sign in');
  await page.allowingRefusals('/token', async () => {
    await page.keyboard.press('Enter');
    await page.waitForSelector('#who-org');
  });
  assert.equal(await page.textContent('#who-org'), `Organisation ${server.provider.org}`);
  assert.deepEqual(page.problems, []);
});

test('the server\'s public facts, for anyone', async () => {
  const page = await openPage(browser);
  await page.goto(`${server.url}app/`);
  await page.click('#server-link');
  await page.waitForSelector('#server-issuer');
  assert.equal(await page.textContent('#server-issuer'), server.url);
  const jwks = await (await fetch(`${server.url}jwk`)).json();
  const kids = await page.locator('main tbody tr td:first-child').allTextContents();
  assert.deepEqual(kids, jwks.keys.map((k) => k.kid));
  assert.deepEqual(page.problems, []);
});

test('dark by the system\'s choice, on a phone', async () => {
  const page = await openPage(browser, { phone: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(`${server.url}app/`);
  await page.waitForSelector('#signin-key');
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(background, 'rgb(17, 22, 29)');
  // Nothing wider than the phone: no sideways scrolling.
  const widths = await page.evaluate(() => [document.documentElement.scrollWidth,
    document.documentElement.clientWidth, ...[...document.querySelectorAll('main *')]
      .map((e) => Math.ceil(e.getBoundingClientRect().right))]);
  const [scroll, client, ...rights] = widths;
  assert.ok(scroll <= client, `page ${scroll} px wide on a ${client} px screen`);
  assert.ok(Math.max(...rights) <= client, `an element reaches ${Math.max(...rights)} px of ${client}`);
  await screenshot(page, 'signin-phone-dark');
  assert.deepEqual(page.problems, []);
});

runTests('signin');
