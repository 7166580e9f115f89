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
// Then a mark made by the program itself, not the seed: an exporter signs up and registers
// www.real-valves.example through the API, the shop page embeds the snippet the API gave, and
// badge_program.c runs the worker's step after an audit (integration detected on that page, the
// mark's state machine) on the server's database; the server notices through the program's change
// counter. Green (data due) renders green in Chromium; a later evaluation below the threshold
// suspends the mark and the next page view renders "not active".
// Screenshots of each state go to <build>/artifacts/browser/. Exit 77 (skipped) without Chromium
// or without tests/browser/node_modules (make deps installs it).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { artifacts as artifactsDir, build, checker, launch, needChromium, sleep, src, startServe } from './lib/harness.mjs';

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
  const pageWithTag = (title, tag, lang = 'en') => `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${title}</title>
<link rel="stylesheet" href="/shop.css"></head><body><header><h1>${title}</h1></header>
<p>Ball valves, gate valves and check valves from our factory in Ningbo.</p>
<div class="cwtap-slot" data-cwtap-badge></div>
${tag}
<p id="below">Contact our export team for a quotation.</p></body></html>`;
  const pageHtml = (title, extra, lang) =>
    pageWithTag(title, `<script async src="${api}/sdk/v1/cwtap.js" data-site="site_ningbo"${extra}></script>`, lang);

  // ---- the exporter of the program case: signs up and registers its shop through the API ----
  let real;
  {
    let r = await fetch(`${api}/v1/signup`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ enterprise_name: 'Real Valves Ltd', email: 'ops@real-valves.example',
        password: 'a long enough password', country: 'CN' }) });
    check(r.status === 201, `signup (${r.status})`);
    const jar = r.headers.getSetCookie().map((c) => c.split(';')[0]);
    const csrf = (jar.find((c) => c.startsWith('cwtap_csrf=')) || '').slice(11);
    r = await fetch(`${api}/v1/sites`, { method: 'POST', body: JSON.stringify({ domain: 'www.real-valves.example' }),
      headers: { 'Content-Type': 'application/json', Cookie: jar.join('; '), 'X-CSRF-Token': csrf } });
    real = await r.json();
    check(r.status === 201 && real.id && real.sdk && real.sdk.html.includes(`data-site="${real.id}"`),
      `site registered with its SDK snippet (${r.status})`);
  }
  const realHtml = pageWithTag('Real Valves', real.sdk.html); // the snippet exactly as the API gave it
  shop = http.createServer((req, res) => {
    if (req.url === '/shop.css') {
      res.writeHead(200, { 'Content-Type': 'text/css' });
      res.end('body{font:16px sans-serif;margin:24px}.cwtap-slot{width:184px;height:56px}');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': csp });
    // The other shop loads the SDK with its published SRI hash (crossorigin, integrity).
    const host = req.headers.host || '';
    const lang = (/^\/\?lang=([a-zA-Z-]{2,16})$/.exec(req.url) || [])[1] || 'en'; // the page's language
    res.end(host.startsWith('www.ningbo') ? pageHtml('Ningbo Valves', '', lang)
      : host.startsWith('www.real-valves') ? realHtml
        : pageHtml('Other Shop', ` integrity="${sri}" crossorigin="anonymous"`));
  });
  await new Promise((r) => shop.listen(0, '127.0.0.1', r));
  const shopPort = shop.address().port;

  // ---- the browser ----
  const profile = fs.mkdtempSync(path.join(tmp, 'profile-'));
  context = await launch(chromium, profile, {
    viewport: { width: 800, height: 400 },
    args: ['--host-resolver-rules=MAP www.ningbo-valves.example 127.0.0.1, MAP other-shop.example 127.0.0.1, ' +
      'MAP www.real-valves.example 127.0.0.1'],
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
    const out = { text: '', links: [], roles: [], spans: [] };
    (function walk(n, inShadow) {
      const shadow = inShadow || n.shadowRootType === 'closed';
      if (shadow && n.nodeType === 3) out.text += n.nodeValue + ' ';
      if (shadow && n.nodeName === 'SPAN') out.spans.push(n.nodeId);
      if (shadow && (n.nodeName === 'A' || n.nodeName === 'DIV')) out.frame = n.nodeId;
      if (shadow && n.attributes) {
        const a = Object.fromEntries(n.attributes.reduce((acc, v, i, arr) => (i % 2 ? acc : [...acc, [v, arr[i + 1]]]), []));
        if (a.href) out.links.push(a.href);
        if (a.role) out.roles.push(a.role);
      }
      for (const c of [...(n.children || []), ...(n.shadowRoots || [])]) walk(c, shadow);
    })(root, false);
    out.text = out.text.trim();
    // The text block's box and the inside of the badge's border (CSS pixels), whatever the language.
    const quad = async (nodeId, which) => {
      const { model } = await cdp.send('DOM.getBoxModel', { nodeId }).catch(() => ({}));
      const q = model && model[which];
      return q ? { top: q[1], bottom: q[5], left: q[0], right: q[2] } : null;
    };
    out.textBox = out.spans.length === 1 ? await quad(out.spans[0], 'border') : null;
    out.frameBox = out.frame ? await quad(out.frame, 'padding') : null;
    await cdp.detach();
    return out;
  }
  // Whether the text lies within the badge's border (it would be clipped or overlap it otherwise).
  const inside = (b) => !!b.textBox && !!b.frameBox && b.textBox.top >= b.frameBox.top &&
    b.textBox.bottom <= b.frameBox.bottom && b.textBox.left >= b.frameBox.left && b.textBox.right <= b.frameBox.right;

  async function visit(host, name, query = '') {
    const page = await context.newPage();
    const setCookies = [];
    page.on('response', async (r) => {
      const h = await r.allHeaders().catch(() => ({}));
      if (h['set-cookie']) setCookies.push(r.url());
    });
    await page.goto(`http://${host}:${shopPort}/${query}`, { waitUntil: 'load' });
    let b;
    for (let i = 0; i < 100; i++) {
      b = await badgeOf(page);
      if (b.text && !b.text.includes('…')) break; // every language's "Checking…" ends so
      await sleep(100);
    }
    await sleep(300); // let any late shift be recorded
    const cls = await page.evaluate(() => window.__cls);
    const violations = await page.evaluate(() => window.__csp);
    const cookie = await page.evaluate(() => document.cookie);
    const box = await page.locator('[data-cwtap-badge]').boundingBox();
    await page.locator('[data-cwtap-badge]').screenshot({ path: path.join(artifacts, `badge-${name}.png`) });
    await page.screenshot({ path: path.join(artifacts, `badge-${name}-page.png`) });
    // Keyboard: the page has nothing focusable before the badge, so the first Tab lands on it if it is a link.
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => !!document.activeElement && document.activeElement.hasAttribute('data-cwtap-badge'));
    if (focused) await page.locator('[data-cwtap-badge]').screenshot({ path: path.join(artifacts, `badge-${name}-focus.png`) });
    await page.close();
    return { b, cls, violations, cookie, box, setCookies, focused };
  }

  const own = await visit('www.ningbo-valves.example', 'green');
  check(own.b.text.includes('Verified supplier'), `own origin renders green ("${own.b.text}")`);
  check(own.b.links.length === 1 && own.b.links[0] === `${api}/registry/site_ningbo`,
    `green badge links to the registry page (${own.b.links.join(',')})`);
  check(own.b.roles.includes('link'), 'green badge has role link');
  check(own.focused, 'green badge takes keyboard focus (Tab)');
  const other = await visit('other-shop.example', 'foreign');
  check(other.b.text.includes('Not verified for this domain'), `other origin renders not verified ("${other.b.text}")`);
  check(other.b.links.length === 0, 'the not-verified badge links nowhere');
  check(!other.focused, 'the not-verified badge is not a tab stop');
  for (const [name, v] of [['own', own], ['other', other]]) {
    check(v.cls === 0, `${name}: cumulative layout shift is 0 (${v.cls})`);
    check(v.violations.length === 0, `${name}: no CSP violation (${v.violations.join('; ')})`);
    check(v.cookie === '', `${name}: document.cookie is empty`);
    check(v.setCookies.length === 0, `${name}: no Set-Cookie (${v.setCookies.join(',')})`);
    check(v.box && v.box.width === 184 && v.box.height === 56, `${name}: badge box is 184x56`);
    check(inside(v.b), `${name}: the text lies inside the badge (${JSON.stringify([v.b.textBox, v.b.frameBox])})`);
  }
  check((await context.cookies()).length === 0, 'the browser holds no cookie');
  // The page's language picks the badge's (html lang, region subtags ignored; tl is Filipino).
  for (const [lang, want] of [['zh-CN', '认证供应商'], ['th', 'ผู้จำหน่ายที่ได้รับการยืนยัน'],
    ['vi', 'Nhà cung cấp đã xác minh'], ['id', 'Pemasok terverifikasi'], ['ms', 'Pembekal disahkan'],
    ['fil', 'Beripikadong supplier'], ['tl', 'Beripikadong supplier'], ['de', 'Verified supplier'], ['constructor', 'Verified supplier']]) {
    const v = await visit('www.ningbo-valves.example', `lang-${lang}`, `?lang=${lang}`);
    check(v.b.text.includes(want) && v.cls === 0, `lang=${lang} renders "${want}" ("${v.b.text}")`);
    check(inside(v.b), `lang=${lang}: the text lies inside the badge (${JSON.stringify([v.b.textBox, v.b.frameBox])})`);
  }
  // ---- a mark made by the program: green with data due, then suspended ----
  {
    const prog = path.join(build, 'tests/browser/badge_program');
    const homeFile = path.join(tmp, 'real-home.html');
    // The home page as the worker fetches it: the very bytes the shop server sends.
    const home = await new Promise((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: shopPort, path: '/', headers: { Host: 'www.real-valves.example' } }, (res) => {
        let b = '';
        res.setEncoding('utf8');
        res.on('data', (d) => { b += d; });
        res.on('end', () => resolve(b));
      }).on('error', reject);
    });
    fs.writeFileSync(homeFile, home);
    const program = (...a) => execFileSync(prog, [`sqlite:${db}`, ...a], { encoding: 'utf8' }).trim();
    const badgeNow = async () => (await fetch(`${api}/v1/badge/${real.id}`,
      { headers: { Origin: 'http://www.real-valves.example' } })).json();
    // Waits (the server polls the change counters once a second) until @p want(badge) holds.
    const settle = async (want) => {
      let b;
      for (let i = 0; i < 40; i++) {
        b = await badgeNow();
        if (want(b)) return b;
        await sleep(100);
      }
      return b;
    };
    let b = await settle((x) => x.mark === 'not_integrated');
    check(b.state === 'not_integrated', `registered, unverified site: not integrated (${JSON.stringify(b)})`);
    program('verify', real.id);
    check(program('evaluate', real.id, '86', homeFile) === 'green_data_due',
      'the program gives the mark on an evaluation of 86 with the SDK tag on the home page');
    b = await settle((x) => x.state === 'green');
    check(b.state === 'green' && b.mark === 'green_data_due' && b.verified_for_origin === true,
      `badge green while the uploads are due (${b.state}/${b.mark})`);
    const green = await visit('www.real-valves.example', 'program-green');
    check(green.b.text.includes('Verified supplier'), `program's mark renders green ("${green.b.text}")`);
    check(green.b.links.length === 1 && green.b.links[0] === `${api}/registry/${real.id}`,
      `program's green badge links to its registry page (${green.b.links.join(',')})`);
    check(program('evaluate', real.id, '31', homeFile) === 'suspended',
      'a later evaluation of 31 suspends the mark');
    b = await settle((x) => x.state !== 'green');
    check(b.state === 'suspended' && b.mark === 'suspended', `badge not green once suspended (${b.state})`);
    const susp = await visit('www.real-valves.example', 'program-suspended');
    check(susp.b.text.includes('Trust mark not active'), `suspended mark renders not active ("${susp.b.text}")`);
    check(susp.b.links.length === 0, 'the suspended badge links nowhere');
    check(susp.cls === 0 && susp.violations.length === 0 && susp.cookie === '', 'suspended: no shift, CSP, cookie');
  }

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
