// SPDX-License-Identifier: Apache-2.0
// What every browser test stands on: a demo registry made by scripts/demo in
// a fresh directory, a real `mpctl serve` on a free loopback port (ready
// once /healthz answers), and Debian's chromium driven by playwright-core,
// watching for console errors, failed requests and CSP violations.
import { AsyncLocalStorage } from 'node:async_hooks';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test as nodeTest } from 'node:test';
import { chromium } from 'playwright-core';

import { MPCTL, freshStore, repo, serve } from '../support/serve.mjs';

export { MPCTL, repo };
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const SHOTS = process.env.MPCTL_SCREENSHOTS || path.join(repo, 'build', 'screenshots');

export const PROVIDER = '974761076';
export const CONSUMER = '910000004';
export const SUPPLIER = '920000002';

// A demo registry and a server for it. `mpctl(...args)` runs the CLI on
// the same store; `keys` are the demo's key files.
export async function startServer() {
  const store = await freshStore('mpctl-web-');
  const { dir, env, url, mpctl } = store;
  execFileSync(path.join(repo, 'scripts', 'demo'), [MPCTL], {
    env: { ...env, DEMO_NO_SERVE: '1' }, cwd: dir, encoding: 'utf8',
  });
  const server = await serve(store, url, '--issuer', url);
  const keydir = path.join(dir, 'mpctl-demo');
  const adminId = (name) => JSON.parse(mpctl('client', 'list', '--name', name, '--json'))[0].client_id;
  return {
    url,
    dir,
    env,
    mpctl,
    provider: { org: PROVIDER, clientId: adminId('provider-admin'), scopes: ['idporten:scopes.write'],
                keyFile: path.join(keydir, 'provider-admin.pem') },
    consumer: { org: CONSUMER, clientId: adminId('consumer-admin'),
                scopes: ['idporten:dcr.read', 'idporten:dcr.write'],
                keyFile: path.join(keydir, 'consumer-admin.pem') },
    clientKeyFile: path.join(keydir, 'client.pem'),
    stop: server.stop,
  };
}

// One more organisation that signs in: the operator lets `org` use the admin
// `scopes`, and it registers an administration client NAME with a key
// (NAME.pem in the server's directory). Answers it as startServer() answers
// the demo's orgs.
export function adminClient(server, org, name, scopes = ['idporten:dcr.read', 'idporten:dcr.write']) {
  for (const scope of scopes) server.mpctl('access', 'grant', scope, org);
  const clientId = server.mpctl('--as', org, 'client', 'register', '--name', name, '--output', 'id',
    ...scopes.flatMap((s) => ['--scope', s])).trim();
  const keyFile = path.join(server.dir, `${name}.pem`);
  server.mpctl('key', 'generate', '--type', 'rsa', '--out', keyFile);
  server.mpctl('client', 'keys', 'add', clientId, '--key', '-', { input: server.mpctl('key', 'jwk', keyFile) });
  return { org, clientId, scopes, keyFile };
}

export async function launch() {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

// A page that records what must not happen: console errors (CSP violations
// among them), uncaught exceptions, failed requests, and answers of 400 or
// more that the test did not announce with `page.expectStatus(part, status)`.
export async function openPage(browser, { phone = false } = {}) {
  const context = await browser.newContext(phone
    ? { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }
    : { viewport: { width: 1280, height: 860 } });
  opened.getStore()?.push(context);
  const page = await context.newPage();
  const problems = [];
  const expected = [];
  page.on('console', (m) => {
    // Chromium logs every 4xx answer as "Failed to load resource"; those are
    // judged below, by what the test expected.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) {
      problems.push(`console error: ${m.text()}`);
    }
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('requestfailed', (r) => {
    const failure = r.failure() ? r.failure().errorText : '';
    // The browser itself cancels a blob: download it handed over, and the
    // icon it fetches for a document the page navigates away from; neither
    // is a request of the page's code.
    const browsersOwn = r.url().startsWith('blob:') || /\/favicon\.svg$/.test(r.url());
    if (!/ERR_ABORTED/.test(failure) || !browsersOwn) {
      problems.push(`request failed: ${r.method()} ${r.url()} ${failure}`);
    }
  });
  const allowed = new Set();
  page.on('response', (r) => {
    if (r.status() < 400) return;
    const i = expected.findIndex(([part, status]) => r.url().includes(part) && r.status() === status);
    if (i >= 0) expected.splice(i, 1);
    else if (![...allowed].some((part) => r.url().includes(part))) {
      problems.push(`unexpected ${r.status()}: ${r.request().method()} ${r.url()}`);
    }
  });
  // One answer of `status` from a URL containing `part` is expected.
  page.expectStatus = (part, status) => expected.push([part, status]);
  // While `work` runs, refusals from URLs containing `part` are expected.
  page.allowingRefusals = async (part, work) => {
    allowed.add(part);
    try {
      return await work();
    } finally {
      allowed.delete(part);
    }
  };
  // What went wrong, and each announced refusal that did not come.
  Object.defineProperty(page, 'problems', {
    get: () => [...problems, ...expected.map(([part, status]) => `expected ${status} from ${part}, not seen`)],
  });
  return page;
}

export function screenshot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  return page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

// Signs in on the page as `who` (an org of startServer()) with its key file.
// The page asks /token for all four admin scopes and leaves out each one the
// refusal names, so a client with fewer is refused on the way (the first
// time in a browser; it remembers the scopes that worked).
export async function signIn(page, server, who) {
  await page.goto(`${server.url}app/`);
  await page.fill('[name=client_id]', who.clientId);
  await page.setInputFiles('[name=key_file]', who.keyFile);
  await page.allowingRefusals('/token', async () => {
    await page.click('#signin-key button[type=submit]');
    await page.waitForSelector('#who-org');
  });
}

// The self-service API as `who`, for checking what the page did.
export function apiAs(server, who) {
  const token = server.mpctl('token', '--issuer', server.url, '--client-id', who.clientId, '--key',
    who.keyFile, '--no-cache', ...who.scopes.flatMap((s) => ['--scope', s])).trim();
  return async (method, p, body) => {
    const r = await fetch(`${server.url}api${p}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  };
}

// test(name, fn) as node:test's, but collected: runTests() then runs a
// file's tests against its one server and browser, each in its own pages.
// Tests of a file must not depend on each other's order. One at a time by
// default: the suite is bound by the CPU (chromium), so running more at
// once only makes each slower.
// The pages a test opened are closed when it ends: a page left open keeps
// its renderer, and the page's once-a-second header clock, busy.
const pending = [];
const opened = new AsyncLocalStorage();
export function test(name, fn) {
  pending.push([name, fn]);
}
export function runTests(name, concurrency = 1) {
  describe(name, { concurrency }, () => {
    for (const [n, fn] of pending.splice(0)) {
      nodeTest(n, async (t) => {
        const contexts = [];
        try {
          await opened.run(contexts, () => fn(t));
        } finally {
          await Promise.all(contexts.map((c) => c.close()));
        }
      });
    }
  });
}
