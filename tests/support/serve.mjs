// SPDX-License-Identifier: Apache-2.0
// What the node tests (tests/web, tests/openapi) share: a fresh directory
// with its own store, and a real `mpctl serve` on it, on a free loopback
// port, ready once /healthz answers.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '..', '..');
export const MPCTL = process.env.MPCTL || path.join(repo, 'build', 'src', 'cli', 'mpctl');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A temporary directory `dir` holding the store, a free `port` and `url`
// (http://127.0.0.1:PORT/) to serve on, and mpctl(...args[, options]): the
// CLI on that store, as the operator, answering its standard output.
export async function freshStore(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  // mpctl's own variables set where the tests run (MPCTL_ISSUER,
  // MPCTL_CONFIG, ...) would change what is tested: left out.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MPCTL_')));
  Object.assign(env, { MPCTL_DB: path.join(dir, 'store'), XDG_DATA_HOME: dir, HOME: dir });
  const port = await freePort();
  const mpctl = (...args) => {
    const options = typeof args.at(-1) === 'object' ? args.pop() : {};
    return execFileSync(MPCTL, args, { env, cwd: dir, encoding: 'utf8', ...options });
  };
  return { dir, env, port, url: `http://127.0.0.1:${port}/`, mpctl };
}

// `mpctl serve` on `store`'s port with `args` besides --listen (its access
// log in the directory); resolves once `base`/healthz answers. stop() ends
// it with SIGTERM and removes the directory.
export async function serve(store, base, ...args) {
  const proc = spawn(MPCTL, ['serve', '--listen', `127.0.0.1:${store.port}`,
    '--access-log', path.join(store.dir, 'access.log'), ...args],
  { env: store.env, cwd: store.dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const deadline = Date.now() + 20000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`mpctl serve exited: ${stderr}`);
    try {
      if ((await fetch(`${base}healthz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('mpctl serve did not become healthy');
    await sleep(20);  // polling the health endpoint, not waiting blindly
  }
  return {
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((r) => (proc.exitCode !== null ? r() : proc.on('exit', r)));
      fs.rmSync(store.dir, { recursive: true, force: true });
    },
  };
}
