// SPDX-License-Identifier: Apache-2.0
// What the browser tests share: where the source, build and cwtap binary are, the skip rules
// (exit 77 without /usr/bin/chromium or playwright-core), TAP-like checks, `cwtap serve` on
// 127.0.0.1 with a port file, Debian's Chromium through playwright-core, and the artifacts folder
// for screenshots (<build>/artifacts/browser/...).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const src = process.env.CWTAP_SOURCE_ROOT || path.resolve(here, '../../..');
export const build = process.env.CWTAP_BUILD_ROOT || path.join(src, 'build-san');
export const bin = process.env.CWTAP_BIN || path.join(build, 'src/cli/cwtap');
export const chromiumPath = '/usr/bin/chromium';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Exits 77 (skipped) with @p why. */
export function skip(why) {
  console.log(`skip: ${why}`);
  process.exit(77);
}

/** playwright-core's chromium, or exit 77 when Chromium or the package is missing. */
export async function needChromium() {
  if (!fs.existsSync(chromiumPath)) skip('no /usr/bin/chromium');
  try {
    return (await import('playwright-core')).chromium;
  } catch {
    return skip('playwright-core is not installed (run make deps)');
  }
}

/** The artifacts folder <build>/artifacts/browser[/sub], made if missing. */
export function artifacts(sub = '') {
  const dir = path.join(build, 'artifacts', 'browser', sub);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Counts failures; check(ok, what) prints "ok - what" or "FAIL - what". */
export function checker() {
  const c = {
    failures: 0,
    check(ok, what) {
      console.log(`${ok ? 'ok' : 'FAIL'} - ${what}`);
      if (!ok) c.failures++;
      return ok;
    },
    fail(e) {
      console.log(`FAIL - ${e && e.stack ? e.stack : e}`);
      c.failures++;
    },
    exit() {
      console.log(c.failures ? `${c.failures} check(s) failed` : 'all checks passed');
      process.exit(c.failures ? 1 : 0);
    },
  };
  return c;
}

/**
 * Starts `cwtap serve` on 127.0.0.1 (any free port) with the test settings plus @p extra
 * arguments; resolves to {proc, api (base URL), stop()} once the port file is written.
 */
export async function startServe(dir, db, extra = [], opts = {}) {
  const portFile = path.join(dir, `port-${Date.now()}`);
  const args = ['serve', '--listen', '127.0.0.1:0', '--db', db, '--port-file', portFile, '--pwhash-cost', 'min',
    '--no-access-log', '--rate-ip', '1000/1000', ...extra];
  const log = opts.log ? fs.openSync(opts.log, 'a') : 'inherit';
  const proc = spawn(bin, args, { stdio: ['ignore', log, log] });
  for (let i = 0; !fs.existsSync(portFile); i++) {
    if (i > 150 || proc.exitCode !== null) throw new Error(`cwtap serve did not start${opts.log ? ` (see ${opts.log})` : ''}`);
    await sleep(100);
  }
  const api = `http://127.0.0.1:${fs.readFileSync(portFile, 'utf8').trim()}`;
  return { proc, api, stop: () => stopProc(proc) };
}

/** SIGTERM to @p proc and wait (5 s at most) for it to exit. */
export async function stopProc(proc) {
  if (!proc || proc.exitCode !== null || proc.signalCode) return;
  proc.kill('SIGTERM');
  await new Promise((r) => { proc.once('exit', r); setTimeout(r, 5000); });
}

/** A persistent Chromium context in @p profile with the sandbox off and no background traffic. */
export function launch(chromium, profile, opts = {}) {
  return chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath, headless: true, viewport: opts.viewport || { width: 1280, height: 800 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', ...(opts.args || [])],
  });
}
