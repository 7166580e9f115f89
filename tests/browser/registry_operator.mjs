// SPDX-License-Identifier: Apache-2.0
// Browser test of the dashboard's public registry and operator console (issue 11). Starts `cwtap
// serve` on 127.0.0.1 with the dashboard (--static-dir web/dashboard) and two model versions
// (--models: v1 and a 2.0.0-test without the content module), seeds the store with dash_seed (an
// operator account, 25 green suppliers and 2 below the threshold, through the worker's own step),
// and drives headless Chromium (Debian's, through playwright-core):
//   registry: the search pages (20 + 5), filters by country, industry and grade against the API,
//     the empty result, a supplier's verification page (mark, since, three module scores) and its
//     signed attestation downloaded and checked with `cwtap verify`, a supplier without the mark,
//     and the pages in zh, th and vi;
//   operator: sign-in, a cycle's deadline edited, its threshold policy saved (and a refused value
//     shown next to its field), the model versions and the preview of 2.0.0-test (its counts equal
//     the API's), the audit log verified, then an edited log row shown as a broken chain;
//   keyboard: Tab reaches the registry filter, a result (with a visible focus ring) and the sign-in
//     fields; Enter searches, opens a supplier and signs in;
//   every page: axe-core finds no serious or critical violation, no CSP violation, no missing string.
// Screenshots at 1280x800 and 390x844 go to <build>/artifacts/browser/dashboard/. Exit 77 (skipped)
// without Chromium or without tests/browser/node_modules (make deps installs them).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { artifacts as artifactsDir, bin, build, checker, launch, needChromium, skip, sleep, src, startServe } from './lib/harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const seedBin = path.join(build, 'tests/browser/dash_seed');
const chromium = await needChromium();
let axeSource;
try {
  axeSource = fs.readFileSync(path.join(here, 'node_modules/axe-core/axe.min.js'), 'utf8');
} catch {
  skip('axe-core is not installed (run make deps)');
}
const regStrings = (await import(path.join(src, 'web/dashboard/suppliers/strings.js'))).default;
const opStrings = (await import(path.join(src, 'web/dashboard/operator/strings.js'))).default;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cwtap-dash-'));
const artifacts = artifactsDir('dashboard'); // shared with dashboard.mjs: only this test's files are replaced
for (const f of fs.readdirSync(artifacts)) if (/^(registry|operator)-.*\.png$/.test(f)) fs.rmSync(path.join(artifacts, f));
const c = checker();
const check = (ok, what) => c.check(ok, what);
let server, context, page;
const DESKTOP = { width: 1280, height: 800 }, PHONE = { width: 390, height: 844 };

async function cleanup() {
  if (context) await context.close().catch(() => {});
  if (server) await server.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
}

// ---- strings: every English key of the two views is in zh, th and vi ----
for (const [view, table] of [['registry', regStrings], ['operator', opStrings]]) {
  for (const l of ['zh', 'th', 'vi']) {
    const missing = Object.keys(table.en).filter((k) => !(k in table[l]));
    check(missing.length === 0, `${view} strings complete in ${l}${missing.length ? ` (missing ${missing.join(', ')})` : ''}`);
  }
}

try {
  // ---- the server, two model versions, the seeded store ----
  const db = path.join(tmp, 'cwtap.db'), models = path.join(tmp, 'models');
  fs.mkdirSync(models);
  const v1 = fs.readFileSync(path.join(src, 'models/cwtap-model-v1.json'), 'utf8');
  const v2 = JSON.parse(v1);
  v2.version = '2.0.0-test';
  v2.modules.basic.weight = 0.5;
  v2.modules.operational.weight = 0.5;
  v2.modules.content.weight = 0;
  fs.writeFileSync(path.join(models, 'cwtap-model-v1.json'), v1);
  fs.writeFileSync(path.join(models, 'cwtap-model-v2-test.json'), JSON.stringify(v2, null, 2));
  server = await startServe(tmp, `sqlite:${db}`, ['--rate-key', '1000/1000', '--rate-login', '100/100',
    '--insecure-cookies', '--static-dir', path.join(src, 'web/dashboard'), '--models', models,
    '--master-key', path.join(tmp, 'master.key')]);
  const { api } = server;
  const seeded = JSON.parse(execFileSync(seedBin, [`sqlite:${db}`, String(Math.floor(Date.now() / 1000))], { encoding: 'utf8' }));
  check(seeded.green.length === 25 && seeded.below.length === 2, 'dash_seed made 25 green and 2 other suppliers');
  const apiGet = async (p) => (await fetch(`${api}${p}`)).json();
  for (let i = 0; ; i++) { // the server's snapshot notices the seeded marks within a second
    const r = await apiGet('/v1/registry?limit=200');
    if (r.items && r.items.length === 25) break;
    if (i > 50) throw new Error('the seeded suppliers never reached the registry');
    await sleep(200);
  }

  // ---- the browser ----
  context = await launch(chromium, fs.mkdtempSync(path.join(tmp, 'profile-')), { viewport: DESKTOP, args: ['--lang=en-GB'] });
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    document.addEventListener('cwtap:rendered', () => { window.__renderedAt = Date.now(); });
  });
  page = await context.newPage();
  const missingStrings = [], pageErrors = [], cspConsole = [];
  page.on('console', (m) => {
    if (/i18n: no string/.test(m.text())) missingStrings.push(m.text());
    if (/Content Security Policy/.test(m.text())) cspConsole.push(m.text()); // any document, not only the last
    if (m.type() === 'error' || m.type() === 'warning') console.log(`# console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));

  // Runs @p act (a navigation), waits until the router has rendered a page after it started, and
  // returns the new page's <h1> text.
  const nav = async (act) => {
    const start = Date.now();
    await act();
    await page.waitForFunction((s) => (window.__renderedAt || 0) >= s, start, { timeout: 10000 });
    return (await page.locator('main .page h1').first().textContent()).trim();
  };
  const open = (hash, lang = 'en') => nav(() => page.goto(`${api}/?lang=${lang}${hash}`));
  const click = (sel) => nav(() => page.click(sel));
  const axe = async (name) => {
    await page.evaluate(axeSource);
    const r = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    check(bad.length === 0, `axe: no serious or critical violation on ${name}${bad.length ? ` (${bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`).join('; ')})` : ''}`);
  };
  const shoot = async (name) => {
    for (const [tag, vp] of [['desktop', DESKTOP], ['phone', PHONE]]) {
      await page.setViewportSize(vp);
      await sleep(100);
      await page.screenshot({ path: path.join(artifacts, `${name}-${tag}.png`), fullPage: true });
      if (tag === 'phone') await page.screenshot({ path: path.join(artifacts, `${name}-phone-first-screen.png`) });
    }
    await page.setViewportSize(DESKTOP);
  };
  const rows = (sel) => page.locator(`${sel} tbody tr`);
  const cells = async (sel, col) => (await rows(sel).evaluateAll((trs, c) => trs.map((tr) => tr.children[c].textContent.trim()), col));

  // ---- registry: search and pages ----
  let h1 = await open('#/registry');
  check(h1 === regStrings.en['reg.title'], `registry search page (${h1})`);
  await page.waitForSelector('table.reg-table');
  check(await rows('table.reg-table').count() === 20, 'first page lists 20 suppliers');
  await axe('the registry search');
  await shoot('registry-search');
  await click('a[rel=next]');
  check(await rows('table.reg-table').count() === 5, 'the next page lists the other 5');
  check(await page.locator('a[rel=next]').count() === 0, 'no next page after the last');
  const firstPage = await cells('table.reg-table', 0);
  check(new Set(firstPage).size === 5, 'the second page repeats no supplier');

  // ---- registry: filters against the API ----
  await open('#/registry');
  await page.fill('input[name=country]', 'th');
  await page.selectOption('select[name=grade]', 'A');
  await click('.reg-filters button[type=submit]');
  check(/country=TH/.test(page.url()) && /grade=A/.test(page.url()), 'the filters are in the address');
  let want = (await apiGet('/v1/registry?country=TH&grade=A&limit=200')).items.length;
  let countries = await cells('table.reg-table', 1), grades = await cells('table.reg-table', 3);
  check(want > 0 && countries.length === want, `country TH + grade A: ${countries.length} rows, API ${want}`);
  check(countries.every((c) => c === 'TH') && grades.every((g) => g === 'A'), 'every row is TH and grade A');
  check((await page.inputValue('input[name=country]')) === 'TH' && (await page.inputValue('select[name=grade]')) === 'A',
    'the form keeps the filters');
  await shoot('registry-filtered');
  await open('#/registry?industry=textiles');
  want = (await apiGet('/v1/registry?industry=textiles&limit=200')).items.length;
  const industries = await cells('table.reg-table', 2);
  check(industries.length === want && industries.every((i) => i === 'textiles'), `industry textiles: ${industries.length} rows, API ${want}`);
  await open('#/registry?country=VN&grade=F');
  check((await page.locator('.reg-count').textContent()).trim() === regStrings.en['reg.empty'], 'no match says so');

  // ---- registry by keyboard alone: Tab to the filter, Enter to search, Tab to a result, Enter ----
  await open('#/registry');
  const tabTo = async (test, max = 40) => {
    for (let i = 0; i < max; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(test)) return true;
    }
    return false;
  };
  check(await tabTo(() => document.activeElement && document.activeElement.name === 'country'), 'Tab reaches the country filter');
  await page.keyboard.type('vn');
  await nav(() => page.keyboard.press('Enter'));
  check(/country=VN/.test(page.url()), 'Enter in the filter form searches');
  check(await tabTo(() => document.activeElement && document.activeElement.closest && !!document.activeElement.closest('table.reg-table')),
    'Tab reaches the first result');
  const ring = await page.evaluate(() => { const cs = getComputedStyle(document.activeElement); return `${cs.outlineStyle} ${cs.outlineWidth}`; });
  check(/^solid [3-9]/.test(ring), `the focused link shows a focus ring (${ring})`);
  h1 = await nav(() => page.keyboard.press('Enter'));
  check(/\.example$/.test(h1), `Enter opens the supplier (${h1})`);

  // ---- registry: a supplier's verification page and attestation ----
  await open('#/registry?country=CN');
  const firstLink = page.locator('table.reg-table tbody tr th a').first();
  const domain = (await firstLink.textContent()).trim();
  h1 = await nav(() => firstLink.click());
  check(h1 === domain, `verification page of ${domain}`);
  check((await page.locator('#mark-state').textContent()).trim() === regStrings.en['reg.mark.green'], 'the mark is green');
  check(!/—/.test(await page.locator('#mark-since').textContent()), 'since when is shown');
  check(await page.locator('.module-row').count() === 3 && await page.locator('meter').count() >= 1, 'three module scores');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#att-download')]);
  const att = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
  check(download.suggestedFilename() === `${domain}-attestation.json`, `attestation file name (${download.suggestedFilename()})`);
  const keysFile = path.join(tmp, 'keys.json');
  fs.writeFileSync(keysFile, JSON.stringify(await apiGet('/.well-known/cwtap-keys.json')));
  let verified = '';
  try {
    verified = execFileSync(bin, ['verify', att.token, '--keys', keysFile, '--json'], { encoding: 'utf8' });
  } catch (e) {
    verified = `exit ${e.status}: ${e.stdout}${e.stderr}`;
  }
  check(/"domain":\s*"/.test(verified) && verified.includes(domain), `the downloaded attestation verifies with cwtap verify (${verified.slice(0, 120)})`);
  await page.waitForFunction(() => document.querySelector('#att-status').textContent.length > 0);
  await axe('a supplier\'s verification page');
  await shoot('registry-supplier');
  // The badge's plain page of the same entry links back to this one.
  await page.click('a[href^="/registry/"]');
  await page.waitForSelector('#full');
  check((await page.locator('#domain').textContent()).trim() === domain, 'the plain /registry page shows the same supplier');
  await page.click('#full');
  await page.waitForSelector('#mark-state');
  check((await page.locator('main .page h1').textContent()).trim() === domain, 'and links back to the full verification page');
  h1 = await open(`#/registry/${seeded.below[0]}`);
  check((await page.locator('#mark-state').textContent()).trim() === regStrings.en['reg.mark.none'] &&
    await page.locator('#att-download').count() === 0, 'a supplier below the threshold: no mark, no attestation');
  h1 = await open('#/registry/s_doesnotexist');
  check(h1 === regStrings.en['reg.notfound.title'], 'an unknown supplier: not found');

  // ---- registry in other languages ----
  for (const l of ['zh', 'th', 'vi']) {
    h1 = await open('#/registry', l);
    check(h1 === regStrings[l]['reg.title'], `registry in ${l}: ${h1}`);
    check(await page.evaluate(() => document.documentElement.lang) === (l === 'zh' ? 'zh-Hans' : l), `<html lang> follows ${l}`);
    await shoot(`registry-search-${l}`);
  }
  await open(`#/registry/${seeded.green[1]}`, 'th');
  await shoot('registry-supplier-th');

  // ---- operator: sign in ----
  h1 = await open('#/operator');
  check(h1 === opStrings.en['op.signin.title'], 'the console asks an operator to sign in');
  // The navigation shows what the account may use: signed out, the registry and sign-in only.
  const navLinks = () => page.locator('#nav-list a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  let links = await navLinks();
  check(links.includes('#/registry') && links.includes('#/signin') && !links.includes('#/operator') && !links.includes('#/sites'),
    `signed out: registry and sign-in, no console (${links.join(' ')})`);
  await axe('the operator sign-in');
  await shoot('operator-signin');
  // by keyboard: Tab to the e-mail, type, Tab to the password, type, Enter
  check(await tabTo(() => document.activeElement && document.activeElement.name === 'email'), 'Tab reaches the e-mail field');
  await page.keyboard.type('ops@trust.example');
  await page.keyboard.press('Tab');
  await page.keyboard.type('long enough pw');
  h1 = await nav(() => page.keyboard.press('Enter'));
  check(h1 === opStrings.en['op.cycles.title'], 'signed in: the cycles');
  links = await navLinks();
  check(links.includes('#/operator') && !links.includes('#/sites') && !links.includes('#/signin'),
    `an operator's navigation: the console, not the exporter's sites (${links.join(' ')})`);
  const inPage = (p, opts) => page.evaluate(async ([p2, o]) => {
    const csrf = document.cookie.split('; ').find((c) => c.startsWith('cwtap_csrf='));
    const r = await fetch(p2, { ...o, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf ? csrf.slice(11) : '' } });
    return { status: r.status, json: await r.json().catch(() => null) };
  }, [p, opts || {}]);
  const cyc = (await inPage('/v1/operator/cycles')).json;
  check(await rows('table#cycles').count() === cyc.items.length && cyc.items.length > 0, `${cyc.items.length} cycles listed`);
  await axe('the cycles');
  await shoot('operator-cycles');

  // ---- operator: edit a cycle's enrollment deadline, then its threshold ----
  const c0 = cyc.items.find((c) => c.id === cyc.current) || cyc.items[0];
  await click(`a[href="#/operator/cycles/${c0.id}"] >> nth=0`);
  const newDeadline = new Date(Date.parse(c0.deadline) - 86400000).toISOString().replace(/\.\d+Z$/, 'Z');
  await page.fill('form#cycle input[name=deadline]', newDeadline.slice(0, 19));
  await page.click('form#cycle button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#cycle-status').textContent.length > 0);
  const after = (await inPage('/v1/operator/cycles')).json.items.find((c) => c.id === c0.id);
  check(after.deadline === newDeadline, `the deadline is now ${after.deadline} (wanted ${newDeadline})`);
  await page.fill('form#threshold input[name=floor]', '500');
  await page.click('form#threshold button[type=submit]');
  await page.waitForSelector('form#threshold [aria-invalid=true]');
  check(await page.locator('form#threshold input[name=floor][aria-invalid=true]').count() === 1, 'a floor of 500 is refused next to its field');
  await shoot('operator-threshold-error');
  await page.fill('form#threshold input[name=floor]', '75');
  await page.fill('form#threshold input[name="module_floors.basic"]', '60');
  await page.fill('form#threshold input[name=margin]', '3');
  await page.fill('form#threshold input[name=percentile]', '65');
  await page.check('#tp-usepct');
  await page.click('form#threshold button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#tp-status').textContent.length > 0);
  const tp = (await inPage(`/v1/operator/cycles/${c0.id}/threshold`)).json;
  check(tp.floor === 75 && tp.margin === 3 && tp.module_floors.basic === 60 && tp.module_floors.content === null &&
    tp.use_percentile === true && tp.percentile === 65 && tp.operator_set === true,
  `the threshold is saved (${JSON.stringify(tp)})`);
  await axe('a cycle and its threshold');
  await shoot('operator-cycle');

  // ---- operator: model versions and the preview ----
  await click('.op-tabs a[href="#/operator/models"]');
  check(await rows('table#models').count() === 2, 'two model versions listed');
  check((await page.locator('#models-other').textContent()).includes('0.9.0 (27)'), 'the version that scored the stored evaluations is named');
  await axe('the model versions');
  await shoot('operator-models');
  await click('a[href="#/operator/models/2.0.0-test"]');
  const pv = (await inPage('/v1/operator/models/2.0.0-test/preview?limit=200')).json;
  const shown = await page.locator('#preview-summary .stat-n').allTextContents();
  const wantStats = [pv.summary.up, pv.summary.down, pv.summary.unchanged, pv.summary.grade_up, pv.summary.grade_down].map(String);
  check(JSON.stringify(shown) === JSON.stringify(wantStats) && pv.summary.sites === 27,
    `the preview's counts (${shown.join('/')}) equal the API's (${wantStats.join('/')}) over ${pv.summary.sites} sites`);
  check(await rows('table#preview').count() === pv.sites.length, 'every moved site is listed');
  await axe('the model preview');
  await shoot('operator-preview');

  // ---- operator: the audit log, intact and then broken ----
  await click('.op-tabs a[href="#/operator/log"]');
  const lg = (await inPage('/v1/operator/log?limit=50')).json;
  check((await page.locator('#verdict .status').textContent()).trim() === opStrings.en['op.log.ok'] && lg.verification.ok,
    `the log is verified intact (${lg.total} entries)`);
  check(await rows('table#log').count() === Math.min(50, lg.total), 'the newest 50 entries are listed');
  await axe('the audit log');
  await shoot('operator-log');
  if (lg.next_cursor) {
    await click('a[rel=next]');
    check(await rows('table#log').count() === Math.min(50, lg.total - 50), 'older entries on the next page');
  }
  execFileSync('sqlite3', [db, "UPDATE mark_log SET reason = 'edited by hand' WHERE seq = 3"]);
  await open('#/operator/log');
  await page.waitForSelector('#verdict');
  check((await page.locator('#verdict .status').textContent()).trim() === opStrings.en['op.log.broken'], 'an edited entry: the chain is broken');
  check(await page.locator('tr.row-bad').count() === Math.min(50, lg.total - 2), 'entries from the break on are flagged');
  await shoot('operator-log-broken');
  await open('#/operator/log', 'zh');
  await shoot('operator-log-zh');
  await open('#/operator', 'vi');
  await shoot('operator-cycles-vi');

  // ---- an exporter's session is refused ----
  await inPage('/v1/logout', { method: 'POST' });
  const su = await page.evaluate(async () => (await fetch('/v1/signup', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ enterprise_name: 'Some Exporter', email: 'x@exporter.example', password: 'long enough pw' }) })).status);
  check(su === 201, 'an exporter signs up');
  await open('#/');
  links = await navLinks();
  check(links.includes('#/sites') && !links.includes('#/operator'), `an exporter's navigation has no console link (${links.join(' ')})`);
  check(await page.locator('main a[href="#/operator"]').count() === 0, 'nor has the start page');
  h1 = await open('#/operator');
  check(h1 === opStrings.en['op.denied.title'], `an exporter typing the console's address sees "${h1}"`);
  check((await page.locator('main [data-denied]').textContent()).includes('exporter'), 'which says why');
  check(await page.locator('main a[href="#/sites"]').count() === 1, 'and links to the exporter\'s sites');
  await axe('the console refused');
  await shoot('operator-denied');
  h1 = await open('#/operator', 'zh');
  check(h1 === opStrings.zh['op.denied.title'] && (await page.locator('main [data-denied]').textContent()).includes(opStrings.zh['op.kind.exporter']),
    `zh: "${h1}", with the account's kind in Chinese`);
  await shoot('operator-denied-zh');
  check((await inPage('/v1/operator/log')).status === 403, 'and the API refuses the exporter\'s session');

  const csp = await page.evaluate(() => window.__csp);
  check(csp.length === 0 && cspConsole.length === 0, `no CSP violation (${csp.concat(cspConsole).slice(0, 3).join('; ')})`);
  check(missingStrings.length === 0, `no missing string (${missingStrings.slice(0, 5).join('; ')})`);
  check(pageErrors.length === 0, `no uncaught page error (${pageErrors.slice(0, 3).join('; ')})`);
} catch (e) {
  c.fail(e);
  if (page) {
    console.log(`# at ${page.url()}: ${(await page.locator('main').textContent().catch(() => '')).slice(0, 400)}`);
    await page.screenshot({ path: path.join(artifacts, 'registry-operator-failure.png'), fullPage: true }).catch(() => {});
  }
} finally {
  await cleanup();
}
c.exit();
