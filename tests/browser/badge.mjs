// SPDX-License-Identifier: Apache-2.0
// Browser test of the trust-mark SDK and the badge service (issue 10). Starts `cwtap serve` on
// 127.0.0.1 with the fixture marks (tests/fixtures/badge/seed.sql), serves two fixture shop pages
// on loopback under their own host names (Chromium maps them to 127.0.0.1), each with a strict
// Content-Security-Policy, and checks in headless Chromium (Debian's, driven by playwright-core):
//   - on www.ningbo-valves.example the badge renders green and links to the registry page;
//   - the same snippet on other-shop.example (loaded with the published SRI hash) renders
//     "not verified for this domain";
//   - cumulative layout shift (PerformanceObserver) is 0; no CSP violation;
//   - no cookie: document.cookie is empty, the browser holds none, no Set-Cookie from the server.
// Before the browser: the badge over HTTP (headers, origin rules, 304, SDK bytes vs SRI).
// Screenshots of each state go to <build>/artifacts/browser/. Exit 77 (skipped) without Chromium
// or without tests/browser/node_modules (make deps installs it).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { artifacts as artifactsDir, checker, launch, needChromium, sleep, src, startServe } from './lib/harness.mjs';

const chromium = await needChromium();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cwtap-badge-'));
const artifacts = artifactsDir();
const t = checker();
const check = t.check;
let serve, shop, context;

async function cleanup() {
  if (context) await context.close().catch(() => {});
  if (shop) shop.close();
  if (serve) await serve.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
}

try {
  // ---- the trust server ----
  const db = path.join(tmp, 'cwtap.db');
  serve = await startServe(tmp, `sqlite:${db}`);
  const api = serve.api;
  execFileSync('sqlite3', [db], { input: fs.readFileSync(path.join(src, 'tests/fixtures/badge/seed.sql')) });
  for (let i = 0; ; i++) { // the snapshot notices the change within a second
    const r = await fetch(`${api}/v1/badge/site_ningbo`);
    if (r.ok) break;
    if (i > 50) throw new Error('the seeded site never reached the badge snapshot');
    await sleep(200);
  }

  // ---- the badge over HTTP: headers, origin rules, conditional requests ----
  let sri;
  {
    const get = (headers, site = 'site_ningbo') => fetch(`${api}/v1/badge/${site}`, { headers });
    let r = await get({ Origin: 'https://shop.eu.ningbo-valves.example:8443' });
    let j = await r.json();
    check(r.status === 200 && j.state === 'green' && j.verified_for_origin === true, 'subdomain origin is verified');
    check(r.headers.get('access-control-allow-origin') === 'https://shop.eu.ningbo-valves.example:8443', 'ACAO echoes the origin');
    check(/Origin/.test(r.headers.get('vary') || ''), 'Vary names Origin');
    check(r.headers.get('cache-control') === 'public, max-age=60', `Cache-Control is short (${r.headers.get('cache-control')})`);
    check(!r.headers.has('set-cookie'), 'the badge sets no cookie');
    const etag = r.headers.get('etag');
    r = await get({ Origin: 'https://shop.eu.ningbo-valves.example:8443', 'If-None-Match': etag });
    check(r.status === 304, 'If-None-Match gives 304');
    for (const o of ['https://ningbo-valves.example.evil.example', 'https://evilningbo-valves.example', 'null',
      'https://user@www.ningbo-valves.example']) {
      j = await (await get({ Origin: o })).json();
      check(j.verified_for_origin === false, `not verified for ${o}`);
    }
    j = await (await get({ Referer: 'https://www.ningbo-valves.example/products?id=1' })).json();
    check(j.verified_for_origin === true, 'Referer is used without Origin');
    j = await (await get({})).json();
    check(j.verified_for_origin === false, 'no Origin nor Referer: not verified');
    j = await (await get({ Origin: 'https://weak-shop.example' }, 'site_weak')).json();
    check(j.state === 'below_threshold' && j.verified_for_origin === true, 'a site below the threshold is not green');
    r = await get({ Origin: 'https://www.ningbo-valves.example' }, 'site_none');
    check(r.status === 404 && r.headers.get('access-control-allow-origin'), 'unknown site: 404 readable by the SDK');
    r = await fetch(`${api}/sdk/v1/cwtap.js`);
    sri = (await (await fetch(`${api}/sdk/v1/cwtap.js.sri`)).text()).trim();
    const body = Buffer.from(await r.arrayBuffer());
    const { createHash } = await import('node:crypto');
    check(sri === `sha384-${createHash('sha384').update(body).digest('base64')}`, 'served SDK matches its SRI hash');
    check(/immutable/.test(r.headers.get('cache-control') || ''), 'SDK is cached as immutable');
  }

  // ---- the shops: the same snippet on both, a strict CSP, the slot reserved by the shop's CSS ----
  const csp = `default-src 'self'; script-src 'self' ${api}; connect-src ${api}; style-src 'self'; ` +
    `img-src 'self'; object-src 'none'; base-uri 'none'`;
  const pageHtml = (title, extra) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<link rel="stylesheet" href="/shop.css"></head><body><header><h1>${title}</h1></header>
<p>Ball valves, gate valves and check valves from our factory in Ningbo.</p>
<div class="cwtap-slot" data-cwtap-badge></div>
<script async src="${api}/sdk/v1/cwtap.js" data-site="site_ningbo"${extra}></script>
<p id="below">Contact our export team for a quotation.</p></body></html>`;
  shop = http.createServer((req, res) => {
    if (req.url === '/shop.css') {
      res.writeHead(200, { 'Content-Type': 'text/css' });
      res.end('body{font:16px sans-serif;margin:24px}.cwtap-slot{width:184px;height:56px}');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': csp });
    // The other shop loads the SDK with its published SRI hash (crossorigin, integrity).
    res.end(req.headers.host.startsWith('www.ningbo') ? pageHtml('Ningbo Valves', '')
      : pageHtml('Other Shop', ` integrity="${sri}" crossorigin="anonymous"`));
  });
  await new Promise((r) => shop.listen(0, '127.0.0.1', r));
  const shopPort = shop.address().port;

  // ---- the browser ----
  const profile = fs.mkdtempSync(path.join(tmp, 'profile-'));
  context = await launch(chromium, profile, {
    viewport: { width: 800, height: 400 },
    args: ['--host-resolver-rules=MAP www.ningbo-valves.example 127.0.0.1, MAP other-shop.example 127.0.0.1'],
  });
  await context.addInitScript(() => {
    window.__cls = 0;
    window.__csp = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
    }).observe({ type: 'layout-shift', buffered: true });
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });

  // The badge lives in a closed shadow root: read it through the DevTools protocol (pierce).
  async function badgeOf(page) {
    const cdp = await page.context().newCDPSession(page);
    const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
    await cdp.detach();
    const out = { text: '', links: [], roles: [] };
    (function walk(n, inShadow) {
      const shadow = inShadow || n.shadowRootType === 'closed';
      if (shadow && n.nodeType === 3) out.text += n.nodeValue + ' ';
      if (shadow && n.attributes) {
        const a = Object.fromEntries(n.attributes.reduce((acc, v, i, arr) => (i % 2 ? acc : [...acc, [v, arr[i + 1]]]), []));
        if (a.href) out.links.push(a.href);
        if (a.role) out.roles.push(a.role);
      }
      for (const c of [...(n.children || []), ...(n.shadowRoots || [])]) walk(c, shadow);
    })(root, false);
    out.text = out.text.trim();
    return out;
  }

  async function visit(host, name) {
    const page = await context.newPage();
    const setCookies = [];
    page.on('response', async (r) => {
      const h = await r.allHeaders().catch(() => ({}));
      if (h['set-cookie']) setCookies.push(r.url());
    });
    await page.goto(`http://${host}:${shopPort}/`, { waitUntil: 'load' });
    let b;
    for (let i = 0; i < 100; i++) {
      b = await badgeOf(page);
      if (b.text && !b.text.includes('Checking')) break;
      await sleep(100);
    }
    await sleep(300); // let any late shift be recorded
    const cls = await page.evaluate(() => window.__cls);
    const violations = await page.evaluate(() => window.__csp);
    const cookie = await page.evaluate(() => document.cookie);
    const box = await page.locator('[data-cwtap-badge]').boundingBox();
    await page.locator('[data-cwtap-badge]').screenshot({ path: path.join(artifacts, `badge-${name}.png`) });
    await page.screenshot({ path: path.join(artifacts, `badge-${name}-page.png`) });
    await page.close();
    return { b, cls, violations, cookie, box, setCookies };
  }

  const own = await visit('www.ningbo-valves.example', 'green');
  check(own.b.text.includes('Verified supplier'), `own origin renders green ("${own.b.text}")`);
  check(own.b.links.length === 1 && own.b.links[0] === `${api}/registry/site_ningbo`,
    `green badge links to the registry page (${own.b.links.join(',')})`);
  check(own.b.roles.includes('link'), 'green badge has role link');
  const other = await visit('other-shop.example', 'foreign');
  check(other.b.text.includes('Not verified for this domain'), `other origin renders not verified ("${other.b.text}")`);
  check(other.b.links.length === 0, 'the not-verified badge links nowhere');
  for (const [name, v] of [['own', own], ['other', other]]) {
    check(v.cls === 0, `${name}: cumulative layout shift is 0 (${v.cls})`);
    check(v.violations.length === 0, `${name}: no CSP violation (${v.violations.join('; ')})`);
    check(v.cookie === '', `${name}: document.cookie is empty`);
    check(v.setCookies.length === 0, `${name}: no Set-Cookie (${v.setCookies.join(',')})`);
    check(v.box && v.box.width === 184 && v.box.height === 56, `${name}: badge box is 184x56`);
  }
  check((await context.cookies()).length === 0, 'the browser holds no cookie');
  // The registry page the badge links to.
  const reg = await context.newPage();
  const resp = await reg.goto(`${api}/registry/site_ningbo`);
  check(resp.status() === 200 && (await reg.textContent('#state')).includes('Green trust mark held'),
    'registry page shows the mark');
  await reg.close();
} catch (e) {
  t.fail(e);
} finally {
  await cleanup();
}
t.exit();
