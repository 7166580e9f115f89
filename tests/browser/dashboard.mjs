// SPDX-License-Identifier: Apache-2.0
// Browser journey of the exporter view of the dashboard (issue 11), in headless Chromium against
// `cwtap serve --static-dir web/dashboard` and `cwtap worker` on loopback, with the fixture sites
// served by nginx (scripts/sites.sh) on 127.0.0.1:80/443 of a private network namespace
// (scripts/netns-run.sh; the worker pins their names with --resolve) and a dnsmasq answering the
// ownership TXT record. The clock is the real one until the test moves --clock-file.
//   1. sign-up (keyboard only: every control reached by Tab with a visible focus ring; a short
//      password refused next to its field) -> register www.ningbo-valves.example -> DNS proof
//      refused, then verified once the TXT record is published -> the SDK tag pasted into the
//      fixture's home page -> evaluation by the worker -> green, data due, with a live countdown
//      -> report (every signal, fixes) -> customs upload with a bad row (the error next to the
//      row) -> good customs, ISO and outlets files -> green.
//   2. a second site (ningbo-valves.example) reaches green; the clock moves past 72 hours ->
//      downgraded; the review request shows the lock's end date and the server's 423.
//   3. every page in zh, th and vi: no string missing, no key shown.
// Screenshots of every page at 1280x800 and 390x844 go to <build>/artifacts/browser/dashboard/;
// no page scrolls sideways at 390 px; no CSP violation, no uncaught error anywhere.
// axe-core checks every screenshotted page (no serious or critical violation).
// Skipped (77) without Chromium, playwright-core, axe-core, nginx, dnsmasq or a private namespace as root.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  artifacts, bin, checker, launch, needChromium, skip, sleep, src, startServe, stopProc,
} from './lib/harness.mjs';

if (process.env.CWTAP_NETNS !== '1' || process.getuid() !== 0)
  skip('needs a private network namespace as root (ports 80 and 443 for the fixture sites)');
for (const tool of ['nginx', 'dnsmasq', 'openssl'])
  try { execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }); } catch { skip(`no ${tool}`); }
const chromium = await needChromium();
let axeSource; // axe-core (tests/browser/package.json): labels, contrast, ARIA on every page
try {
  axeSource = fs.readFileSync(path.join(src, 'tests/browser/node_modules/axe-core/axe.min.js'), 'utf8');
} catch {
  skip('axe-core is not installed (run make deps)');
}

const T = checker();
const { check } = T;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cwtap-dash-'));
const shots = artifacts('dashboard');
const sitesDir = path.join(tmp, 'sites');
const clockFile = path.join(tmp, 'clock');
const DNS = '127.0.0.1:5353';
let serve, worker, dns, context;
const pageErrors = [];

let now0 = 0; // the test's start time, set once the fixture CA exists (its notBefore is when it was made)
const setClock = (t) => fs.writeFileSync(clockFile, String(t));

function startDns(records) {
  const args = ['--keep-in-foreground', '--port=5353', '--listen-address=127.0.0.1', '--bind-interfaces', '--no-resolv',
    '--no-hosts', '--user=root', `--log-facility=${path.join(tmp, 'dnsmasq.log')}`,
    ...records.map(([name, value]) => `--txt-record=${name},${value}`)];
  return spawn('dnsmasq', args, { stdio: 'ignore' });
}

async function cleanup() {
  if (context) await context.close().catch(() => {});
  await stopProc(worker);
  await stopProc(serve && serve.proc);
  await stopProc(dns);
  try { execFileSync('sh', [path.join(src, 'scripts/sites.sh'), 'stop', sitesDir]); } catch { /* not started */ }
  fs.rmSync(tmp, { recursive: true, force: true });
}

/**
 * Screenshots of the page at desktop and phone width; checks nothing scrolls sideways at 390 px and
 * that axe-core finds no serious or critical accessibility violation (contrast, labels, ARIA).
 */
async function shoot(page, name) {
  await page.setViewportSize({ width: 1280, height: 800 });
  await sleep(150);
  await page.evaluate(axeSource); // through DevTools, so the page's CSP does not apply
  const axe = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  check(bad.length === 0, `${name}: axe finds no serious or critical violation${bad.length ? ` (${bad.map((v) =>
    `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`).join('; ')})` : ''}`);
  await page.screenshot({ path: path.join(shots, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await sleep(150);
  await page.screenshot({ path: path.join(shots, `${name}-phone.png`), fullPage: true });
  const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  check(over <= 0, `${name}: no sideways scrolling at 390 px (${over} px too wide)`);
  await page.setViewportSize({ width: 1280, height: 800 });
}

/**
 * Presses Tab from the top of the page until the focus wraps; checks that every form control and
 * link of the page's main area is reached, in document order, each with a visible focus ring.
 */
async function keyboardWalk(page, name) {
  // Start from the skip link, the first stop of every page (a blur would keep Chromium's
  // sequential-navigation starting point where the focus was).
  await page.focus('#skip');
  const seen = [];
  for (let i = 0; i < 120; i++) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      if (!el.dataset.kbd) el.dataset.kbd = String(Math.random()).slice(2);
      const cs = getComputedStyle(el);
      return { key: el.dataset.kbd, tag: el.tagName, name: el.name || el.id || el.textContent.trim().slice(0, 30),
        ring: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2, inMain: !!el.closest('main') };
    });
    if (!f) continue;
    if (seen.length && f.key === seen[0].key) break;
    seen.push(f);
  }
  const want = await page.evaluate(() => [...document.querySelectorAll(
    'main input:not([type=hidden]):not([disabled]), main select, main textarea, main button:not([disabled]), main a[href], main summary')]
    .filter((el) => el.offsetParent !== null)
    .map((el) => { if (!el.dataset.kbd) el.dataset.kbd = String(Math.random()).slice(2); return el.dataset.kbd; }));
  const order = seen.filter((s) => s.inMain).map((s) => s.key);
  const missing = want.filter((k) => !order.includes(k));
  check(missing.length === 0, `${name}: Tab reaches all ${want.length} controls of the page (${missing.length} missed)`);
  check(want.every((k, i) => order[i] === k), `${name}: Tab follows the document order`);
  const noRing = seen.filter((s) => !s.ring).map((s) => `${s.tag}:${s.name}`);
  check(noRing.length === 0, `${name}: every focused control shows a focus ring (${noRing.join(', ')})`);
}

async function waitFor(page, selector, what, timeout = 90000) {
  try {
    await page.waitForSelector(selector, { timeout });
    return check(true, what);
  } catch {
    return check(false, `${what} (${selector} not seen in ${timeout / 1000} s)`);
  }
}

/** Adds the SDK tag @p snippet to the fixture home page (what the exporter pastes in its theme). */
function pasteSnippet(snippet) {
  const home = path.join(sitesDir, 'root/ningbo-valves/index.html');
  fs.writeFileSync(home, fs.readFileSync(home, 'utf8').replace('</head>', `${snippet}\n</head>`));
}

/** Customs summaries covering the six months before the clock's month; @p bad spoils row 4. */
function customsCsv(clock, bad) {
  const d = new Date(clock * 1000);
  const rows = ['month,hs_code,destination_country,declarations,quantity,unit,value,currency'];
  for (let k = 6; k >= 1; k--) {
    const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - k, 1));
    const month = `${m.getUTCFullYear()}-${String(m.getUTCMonth() + 1).padStart(2, '0')}`;
    rows.push(`${month},${bad && k === 4 ? '85A4.40' : '8481.80'},TH,${k + 3},${k * 400},PCE,${k * 6400}.00,USD`);
  }
  return `${rows.join('\n')}\n`;
}

/** Presses the DNS proof's Verify button until the server says verified (dnsmasq may still be starting). */
async function verifyDns(page) {
  for (let i = 0; i < 10; i++) {
    await page.click('#verify-dns');
    await page.waitForSelector('[aria-labelledby="proof-dns"] .action-result :is(.ok-text, .field-error)', { timeout: 20000 });
    if (await page.locator('[aria-labelledby="proof-dns"] .action-result .ok-text').count()) return true;
    await sleep(500);
  }
  return false;
}

async function upload(page, kind, name, text) {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text);
  const form = page.locator(`form.upload[data-kind="${kind}"]`);
  await form.locator('input[type=file]').setInputFiles(file);
  await form.locator('button[type=submit]').click();
  await page.waitForFunction((k) => {
    const r = document.querySelector(`form.upload[data-kind="${k}"] .upload-result`);
    const e = document.querySelector(`form.upload[data-kind="${k}"] .field-error`);
    return (r && r.textContent.trim()) || e;
  }, kind, { timeout: 20000 });
  return form;
}

try {
  // ---- the fixture sites, the server, the worker ----
  execFileSync('sh', [path.join(src, 'scripts/sites.sh'), 'start', sitesDir, '80', '443'], { stdio: 'inherit' });
  now0 = Math.floor(Date.now() / 1000) + 2;
  setClock(now0);
  const db = `sqlite:${path.join(tmp, 'cwtap.db')}`;
  serve = await startServe(tmp, db, ['--static-dir', path.join(src, 'web/dashboard'), '--insecure-cookies',
    '--rate-login', '100/100', '--clock-file', clockFile, '--master-key', path.join(tmp, 'master.key'), '--dns-server', DNS],
  { log: path.join(tmp, 'serve.log') });
  const { api } = serve;
  const resolve = fs.readFileSync(path.join(sitesDir, 'resolve'), 'utf8').trim().split(/\s+/);
  worker = spawn(bin, ['worker', '--db', db, '--poll', '1', '--allow-private', '--ca-file', path.join(sitesDir, 'ca.pem'),
    ...resolve, '--clock-file', clockFile], { stdio: ['ignore', 'inherit', 'inherit'] });

  // The page's headers: the strict policy, nothing inline.
  const head = await fetch(`${api}/`);
  const csp = head.headers.get('content-security-policy') || '';
  check(/script-src 'self'/.test(csp) && /style-src 'self'/.test(csp) && !/unsafe-inline/.test(csp), `dashboard CSP is strict (${csp})`);

  context = await launch(chromium, fs.mkdtempSync(path.join(tmp, 'profile-')));
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if ((m.type() === 'warning' && m.text().startsWith('i18n')) || /Content.Security.Policy/i.test(m.text())) pageErrors.push(m.text());
  });
  const apiGet = async (p) => (await page.request.get(`${api}${p}`)).json();

  // ---- 1. sign-up, with the keyboard only ----
  await page.goto(`${api}/?lang=en`);
  await waitFor(page, 'main h1', 'the start page renders');
  await shoot(page, '01-home');
  await page.goto(`${api}/?lang=en#/signup`);
  await waitFor(page, 'form input[name=enterprise_name]', 'the sign-up form renders');
  await keyboardWalk(page, 'sign-up');
  await shoot(page, '02-signup');
  await page.focus('input[name=enterprise_name]');
  await page.keyboard.type('Ningbo Valves Co., Ltd.');
  await page.keyboard.press('Tab');
  await page.keyboard.type('export@ningbo-valves.example');
  await page.keyboard.press('Tab');
  await page.keyboard.type('short');
  await page.keyboard.press('Tab');
  await page.keyboard.type('CN');
  await page.keyboard.press('Enter');
  await waitFor(page, 'input[name=password][aria-invalid=true] + .field-error', 'a short password is refused next to its field');
  check(await page.evaluate(() => document.activeElement.name === 'password'), 'the refused field takes the focus');
  check((await page.textContent('input[name=password] + .field-error')).includes('10 characters'), 'the server\'s message is shown');
  await shoot(page, '03-signup-error');
  await page.fill('input[name=password]', 'correct horse battery staple');
  await page.keyboard.press('Enter');
  await waitFor(page, 'form input[name=domain]', 'signed up: the site list with the register form');
  check((await page.textContent('#who')).includes('export@ningbo-valves.example'), 'the shell shows who is signed in');
  await keyboardWalk(page, 'sites');
  await shoot(page, '04-sites-empty');

  // ---- register the site ----
  await page.fill('input[name=domain]', 'not a domain!');
  await page.click('form button[type=submit]');
  await waitFor(page, 'input[name=domain][aria-invalid=true] + .field-error', 'a bad domain is refused next to its field');
  await page.fill('input[name=domain]', 'https://www.ningbo-valves.example/');
  await page.click('form button[type=submit]');
  await waitFor(page, '#proof-dns', 'registered: the set-up page with the ownership proofs');
  const siteId = page.url().match(/#\/sites\/([^/]+)\/setup/)[1];
  const site = await apiGet(`/v1/sites/${siteId}`);
  const values = await page.$$eval('.copyable input, .copyable textarea', (els) => els.map((e) => e.value));
  for (const v of [site.verification.dns.name, site.verification.dns.value, site.verification.meta,
    site.verification.well_known.url, site.verification.well_known.content, site.sdk.html])
    check(values.includes(v), `the set-up page shows ${v.slice(0, 50)} with a Copy button`);
  check(await page.locator('.copyable button').count() === values.length, 'every value has its Copy button');
  for (const k of ['wordpress', 'shopify', 'magento'])
    check((await page.textContent(`[aria-labelledby="cms-${k}"] p`)) === site.sdk[k], `the ${k} steps are shown, in English as the server words them`);
  await page.locator('.copyable button').first().click();
  await waitFor(page, '.copy-status:text("Copied")', 'Copy says it copied');
  await keyboardWalk(page, 'set-up');
  await shoot(page, '05-setup');

  // The TXT record is not published yet: the server's refusal is shown.
  await page.click('#verify-dns');
  await waitFor(page, '[aria-labelledby="proof-dns"] .action-result .field-error', 'verify before publishing: the server\'s answer is shown');
  check((await page.textContent('[aria-labelledby="proof-dns"] .action-result')).includes(site.verification.dns.name),
    'the refusal names the record looked up');
  await shoot(page, '06-verify-refused');
  // The exporter pastes the tag into the theme and publishes the TXT record.
  pasteSnippet(site.sdk.html);
  dns = startDns([[site.verification.dns.name, site.verification.dns.value]]);
  if (!check(await verifyDns(page), 'published: verified')) {
    console.log(`answer: ${await page.textContent('[aria-labelledby="proof-dns"] .action-result')}`);
    const l = path.join(tmp, 'dnsmasq.log');
    console.log(`dnsmasq (exit ${dns.exitCode}): ${fs.existsSync(l) ? fs.readFileSync(l, 'utf8') : 'no log'}`);
  }
  await waitFor(page, '#request-eval', 'the verified set-up page offers the evaluation');
  await shoot(page, '07-setup-verified');
  // (the worker's scheduler may have queued the first evaluation already: "already queued" is fine)
  await page.click('#request-eval');
  await waitFor(page, '#request-eval + .action-result .ok-text', 'the evaluation is queued');
  await page.goto(`${api}/?lang=en#/sites/${siteId}`);
  await waitFor(page, '.site-state [data-state="green_data_due"]', 'the worker evaluated: green, data due (the page refreshed itself)');
  let mark = await apiGet(`/v1/sites/${siteId}/mark`);
  if (!check(mark.state === 'green_data_due', `the API agrees (${mark.state})`)) {
    for (const e of (await apiGet(`/v1/sites/${siteId}/evaluations`)).items) {
      const full = await apiGet(`/v1/evaluations/${e.id}`);
      console.log(`evaluation ${e.at} total ${e.total} tls ${JSON.stringify(full.report.signals.find((x) => x.id === "tls")).slice(0, 1500)}`);
    }
  }
  // The scheduler's evaluation and the requested one may both run: wait until no new one comes,
  // then compare the page with the latest.
  for (let n = -1, i = 0; i < 20; i++) {
    const now = (await apiGet(`/v1/sites/${siteId}/evaluations`)).items.length;
    if (now === n) break;
    n = now;
    await sleep(2500);
  }
  await page.reload();
  await waitFor(page, '.gauges', 'the overview after the evaluations settled');
  const t1 = await page.textContent('.countdown-time');
  await sleep(2100);
  const t2 = await page.textContent('.countdown-time');
  check(/^(72:00:00|7[01]:\d\d:\d\d)$/.test(t1) && t1 !== t2, `the 72-hour countdown runs (${t1} -> ${t2})`);
  const evals = await apiGet(`/v1/sites/${siteId}/evaluations`);
  const ev = await apiGet(`/v1/evaluations/${evals.items[0].id}`);
  check(await page.locator('.gauges svg').count() === 3, 'three module gauges');
  for (const m of ['basic', 'operational', 'content']) {
    const mod = ev.report.modules[m];
    const label = await page.getAttribute(`.gauges figure:nth-child(${['basic', 'operational', 'content'].indexOf(m) + 1}) svg`, 'aria-label');
    check(label.includes(String(Number(mod.score.toFixed(1)))), `the ${m} gauge says its score (${label})`);
  }
  check((await page.textContent('.grade')).trim() === ev.grade, `the grade is shown (${ev.grade})`);
  check((await page.textContent('.total-num')).trim() === ev.total.toFixed(1).replace(/\.0$/, ''), `the total is shown (${ev.total})`);
  check((await page.textContent('.threshold')).includes(ev.threshold.cycle), `the threshold in force is shown (${ev.threshold.cycle})`);
  check(await page.locator('.history svg.chart').count() === 1, 'the score history chart');
  check((await page.textContent('.pool-text')).includes(mark.pool.cycle), `the cycle pool is shown (${mark.pool.cycle}, deferred ${mark.pool.deferred})`);
  await keyboardWalk(page, 'overview');
  await shoot(page, '08-overview-data-due');

  // The report: every signal with its evidence, the ranked fixes.
  await page.click('.subnav a[href$="/report"]');
  await waitFor(page, '.signal', 'the report page');
  await page.click('#expand-all');
  check(await page.locator('.signal').count() === ev.report.signals.length, `every signal is listed (${ev.report.signals.length})`);
  check(await page.locator('.fixes > li').count() === ev.report.advice.length, `every ranked fix is listed (${ev.report.advice.length})`);
  const firstEvidence = ev.report.signals.find((s) => s.evidence && s.evidence.length).evidence[0];
  check((await page.textContent('main')).includes(firstEvidence.snippet), 'the evidence is shown');
  await shoot(page, '09-report');

  // ---- the three uploads ----
  await page.click('.subnav a[href$="/uploads"]');
  await waitFor(page, 'form.upload[data-kind="customs"]', 'the uploads page');
  await keyboardWalk(page, 'uploads');
  let form = await upload(page, 'customs', 'customs-bad.csv', customsCsv(now0, true));
  check(await form.locator('tr.row-bad[data-row="4"]').count() === 1, 'the bad row (4) is marked in the table');
  check((await form.locator('tr[data-row="4"] .row-issue').textContent()).includes('hs_code'), 'its error names the column next to the row');
  check(await form.locator('tr.row-bad').count() === 1, 'only that row is marked');
  check(await form.locator('input[type=file][aria-invalid=true]').count() === 1, 'the file field is marked invalid');
  await shoot(page, '10-upload-bad-row');
  form = await upload(page, 'customs', 'customs.csv', customsCsv(now0, false));
  check(await form.locator('.upload-result .ok-text').count() === 1, 'the good customs file is accepted');
  form = await upload(page, 'iso', 'iso.csv', fs.readFileSync(path.join(src, 'tests/fixtures/uploads/iso_good.csv'), 'utf8'));
  check(await form.locator('.upload-result .ok-text').count() === 1, 'the ISO file is accepted');
  form = await upload(page, 'outlets', 'outlets.csv', fs.readFileSync(path.join(src, 'tests/fixtures/uploads/outlets_good.csv'), 'utf8'));
  check(await form.locator('.upload-result .ok-text').count() === 1, 'the outlets file is accepted');
  await waitFor(page, '.duty .status.ok', 'the duty panel says the three files are in');
  await shoot(page, '11-uploads-done');
  await page.click('.subnav li:first-child a');
  await waitFor(page, '.site-state [data-state="green"]', 'green after the three uploads');
  check(await page.locator('.countdown').count() === 0, 'no countdown once the duty is met');
  await shoot(page, '12-overview-green');

  // ---- 2. the downgrade path: another site, no uploads, the clock past 72 hours ----
  await page.goto(`${api}/?lang=en#/sites`);
  await waitFor(page, 'form input[name=domain]', 'the site list');
  check(await page.locator('.site-list > li').count() === 1, 'the site list has the first site');
  await page.fill('input[name=domain]', 'ningbo-valves.example');
  await page.click('form button[type=submit]');
  await waitFor(page, '#proof-dns', 'the second site registered');
  const site2Id = page.url().match(/#\/sites\/([^/]+)\/setup/)[1];
  const site2 = await apiGet(`/v1/sites/${site2Id}`);
  pasteSnippet(site2.sdk.html);
  await stopProc(dns);
  dns = startDns([[site.verification.dns.name, site.verification.dns.value], [site2.verification.dns.name, site2.verification.dns.value]]);
  check(await verifyDns(page), 'the second site verified');
  await waitFor(page, '#request-eval', 'the second site\'s set-up page offers the evaluation');
  // The worker paused (SIGSTOP to its pid): the evaluation stays pending, and the page says so.
  worker.kill('SIGSTOP');
  await page.click('#request-eval');
  await waitFor(page, '#request-eval + .action-result .ok-text', 'the second site\'s evaluation is requested');
  const pending = (await apiGet(`/v1/sites/${site2Id}`)).pending_job;
  check(!!pending && ['queued', 'running'].includes(pending.state) && !!pending.since, `the API says the evaluation is pending (${JSON.stringify(pending)})`);
  const siteGets = [];
  const countGets = (r) => { if (r.url().endsWith(`/v1/sites/${site2Id}`)) siteGets.push(Date.now()); };
  await page.goto(`${api}/?lang=en#/sites/${site2Id}`);
  await waitFor(page, '.site-state + .pending[data-job]', 'the overview shows the pending evaluation');
  check(/queued since/i.test(await page.textContent('.pending')), `in words, with since when (${await page.textContent('.pending')})`);
  page.on('request', countGets);
  await sleep(9000);
  // Polls back off: 2 s, 3 s, 4.5 s... so two or three looks in 9 s (a fixed 2 s poll makes four).
  check(siteGets.length >= 1 && siteGets.length <= 3, `the page looks again while pending, backing off (${siteGets.length} looks in 9 s)`);
  await shoot(page, '12b-overview-pending');
  worker.kill('SIGCONT');
  // (queued -> running -> done: the page re-renders at each step; the scheduler's own evaluation may
  // have made the site green already, so wait for the job to be gone first.)
  check(await page.waitForSelector('.pending', { state: 'detached', timeout: 90000 }).then(() => true, () => false),
    'the worker resumed: nothing pending any more (the page refreshed itself)');
  await waitFor(page, '.site-state [data-state="green_data_due"]', 'the second site is green, data due');
  siteGets.length = 0;
  await sleep(6000);
  page.off('request', countGets);
  check(siteGets.length === 0 || (await apiGet(`/v1/sites/${site2Id}`)).pending_job !== null,
    `no polling while nothing is pending (${siteGets.length} looks in 6 s)`);
  mark = await apiGet(`/v1/sites/${site2Id}/mark`);
  setClock(now0 + 72 * 3600 + 120);
  await page.reload();
  await waitFor(page, '.site-state [data-state="downgraded"]', 'past 72 hours without uploads: downgraded');
  mark = await apiGet(`/v1/sites/${site2Id}/mark`);
  check(mark.state === 'downgraded' && !!mark.review_locked_until, `the API agrees (${mark.state}, locked until ${mark.review_locked_until})`);
  check(await page.locator(`.review time[datetime="${mark.review_locked_until}"]`).count() === 1, 'the review panel shows the lock\'s end date');
  check((await page.textContent('.review .lock')).includes(new Date(mark.review_locked_until).getUTCFullYear().toString()), 'in words too');
  await page.click('#request-review');
  await waitFor(page, '#request-review + .action-result .field-error', 'the review request is refused');
  const lockEnd = await page.evaluate(async (iso) => (await import('/shared/i18n.js')).fmtDateTime(iso), mark.review_locked_until);
  check((await page.textContent('#request-review + .action-result')).includes(lockEnd), `the refusal names the lock's end (${lockEnd})`);
  await shoot(page, '13-overview-downgraded');
  await page.goto(`${api}/?lang=en#/sites/${siteId}`);
  await waitFor(page, '.site-state [data-state="green"]', 'the first site (duty met) is still green after 72 hours');
  await page.goto(`${api}/?lang=en#/sites`);
  await waitFor(page, '.site-list > li:nth-child(2)', 'the site list shows both sites');
  await shoot(page, '14-sites');

  // ---- 3. the other languages ----
  for (const lang of ['zh', 'th', 'vi']) {
    const missing = await page.evaluate(async (l) => (await import('/shared/i18n.js')).missingKeys(l), lang);
    check(missing.length === 0, `${lang}: every string is translated (${missing.slice(0, 5).join(', ')})`);
    for (const [route, name, ready] of [[`#/sites/${siteId}`, 'overview', '.gauges'], [`#/sites/${site2Id}`, 'downgraded', '.review'],
      [`#/sites/${siteId}/uploads`, 'uploads', 'form.upload'], [`#/sites/${siteId}/setup`, 'setup', '.copyable']]) {
      await page.goto(`${api}/?lang=${lang}${route}`);
      await waitFor(page, ready, `${lang}: ${name} renders`, 20000);
      const text = await page.textContent('body');
      check(!/\b(exp|shell|common|home|nav|error)\.[a-z_]+\.?[a-z_]*\b/.test(text.replace(/[\w.-]+\.example/g, '')),
        `${lang}: ${name} shows no string key`);
      check(!/\b(null|undefined|NaN)\b/.test(text), `${lang}: ${name} shows no null, undefined or NaN`);
      check(await page.evaluate(() => document.documentElement.lang) === (lang === 'zh' ? 'zh-Hans' : lang), `${lang}: <html lang> is set`);
      check(await page.locator('#nav-list a[href="#/operator"]').count() === 0 && await page.locator('#nav-list a[href="#/sites"]').count() === 1,
        `${lang}: the exporter's navigation has its sites and no console`);
      if (name === 'setup') {
        const wp = await page.textContent('[aria-labelledby="cms-wordpress"] p');
        check(wp.includes(siteId) && wp.includes(site.sdk.server) && wp !== site.sdk.wordpress, `${lang}: the WordPress steps in ${lang} with the site id and server`);
      }
      await shoot(page, `15-${name}-${lang}`);
    }
  }
  // Server errors in the user's language, by their code: a locked review in Chinese (with its date),
  // a refused upload row in Thai (by its column), never the server's English sentence.
  const strings = (l) => page.evaluate(async (x) => ({ ...(await import(`/shared/strings/${x}.js`)).default,
    ...(await import(`/exporter/strings_${x}.js`)).default }), l);
  await page.goto(`${api}/?lang=zh#/sites/${site2Id}`);
  await waitFor(page, '#request-review', 'zh: the downgraded overview');
  await page.click('#request-review');
  await waitFor(page, '#request-review + .action-result .field-error', 'zh: the review is refused');
  const zh = await strings('zh');
  const refusal = (await page.textContent('#request-review + .action-result')).trim();
  const zhDate = await page.evaluate(async (iso) => (await import('/shared/i18n.js')).fmtDateTime(iso), mark.review_locked_until);
  check(refusal === zh['error.review_locked'].replace('{date}', zhDate),
    `zh: the 423 review_locked in Chinese with its date (${refusal})`);
  await shoot(page, '15-review-refused-zh');
  await page.goto(`${api}/?lang=th#/sites/${siteId}/uploads`);
  await waitFor(page, 'form.upload[data-kind="customs"]', 'th: the uploads page');
  form = await upload(page, 'customs', 'customs-bad.csv', customsCsv(now0, true));
  const th = await strings('th');
  const rowIssue = (await form.locator('tr[data-row="4"] .row-issue').textContent()).trim();
  const wantIssue = th['exp.issue.invalid.value'].replace('{rule}', th['exp.col.hs_code']);
  check(rowIssue.includes('hs_code') && rowIssue.includes(wantIssue), `th: the bad row's issue in Thai by its column (${rowIssue})`);
  const fileErr = (await form.locator('.file-pick + .field-error').textContent()).trim();
  check(fileErr === th['error.upload_refused'], `th: the refusal of the file in Thai (${fileErr})`);
  await shoot(page, '15-upload-bad-row-th');
  // The rest of the table, through the page's own modules (still in Thai): each common code in
  // Thai, Retry-After's seconds in the words, an unknown code in the server's English.
  const worded = await page.evaluate(async () => {
    const { ApiError } = await import('/shared/api.js');
    const { errorText } = await import('/shared/errors.js');
    const e = (status, code, field, extra) => errorText(new ApiError(status, code, `server says ${code}`, field, null, extra));
    return { csrf: e(403, 'csrf', 'X-CSRF-Token'), forbidden: e(403, 'forbidden', ''), rate: e(429, 'rate_limited', '', { retryAfter: 7 }),
      login: e(401, 'unauthorized', '', { path: '/v1/login' }), email: e(400, 'invalid', 'email'), notFound: e(404, 'not_found', 'site'),
      generic: e(400, 'invalid', 'floor'), unknown: e(418, 'teapot', '') };
  });
  check(worded.csrf === th['error.csrf'] && worded.forbidden === th['error.forbidden'] && worded.login === th['error.unauthorized.login']
    && worded.email === th['error.invalid.email'] && worded.notFound === th['error.not_found'], 'th: csrf, forbidden, a wrong password, a bad e-mail, not found in Thai');
  check(worded.rate === th['error.rate_limited.wait'].replace('{s}', '7'), `th: rate_limited with Retry-After's seconds (${worded.rate})`);
  check(worded.generic === `${th['error.invalid']} (server says invalid)`, `th: a value refused for a reason only the server words (${worded.generic})`);
  check(worded.unknown === 'server says teapot', 'an unknown code keeps the server\'s English');

  // The switcher keeps the page and changes its language.
  await page.goto(`${api}/?lang=en#/sites/${siteId}`);
  await waitFor(page, '.gauges', 'back in English');
  await page.selectOption('#lang', 'vi');
  await page.waitForFunction(() => document.querySelector('main h1').textContent.startsWith('Tổng quan'));
  check(page.url().includes('lang=vi') && page.url().endsWith(`#/sites/${siteId}`), 'the switcher keeps the route and sets ?lang=');

  // ---- sign out ----
  await page.click('#signout');
  await waitFor(page, 'form input[name=email]', 'signed out: the sign-in page');
  await page.goto(`${api}/#/sites/${siteId}`);
  await waitFor(page, 'form input[name=password]', 'a site page without a session sends to sign in');
  await shoot(page, '16-signin');
  check(pageErrors.length === 0, `no CSP violation, uncaught error or missing string (${pageErrors.join('; ')})`);
} catch (e) {
  T.fail(e);
  const log = path.join(tmp, 'serve.log');
  if (fs.existsSync(log)) console.log(fs.readFileSync(log, 'utf8').slice(-3000));
} finally {
  await cleanup();
}
T.exit();
