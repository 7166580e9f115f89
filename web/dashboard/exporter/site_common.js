// SPDX-License-Identifier: Apache-2.0
// What every page of one site shares: its heading with the ownership and mark state, the site's
// own navigation (overview, set-up, report, uploads), the mark state chips, the live 72-hour
// countdown, and the evaluation pending in the job queue, watched while it is (watchPending).
import { get } from '../shared/api.js';
import { h } from '../shared/dom.js';
import { currentLang, fmtDateTime, t } from '../shared/i18n.js';
import { currentRoute, refresh } from '../shared/router.js';

const TONE = {
  green: 'ok', green_data_due: 'ok', below_threshold: 'warn', evaluating: 'info', not_integrated: 'info',
  downgraded: 'bad', suspended: 'bad',
};

/** The mark state as a chip with its words (colour is never the only cue). */
export function markChip(state) {
  return h('span', { class: `status ${TONE[state] || 'info'}`, dataset: { state } }, t(`exp.mark.state.${state}`));
}

/**
 * An explanation the server writes in English (the threshold's, the pool's): as it is in English;
 * in the other languages folded under "Details from the server (in English)", marked lang=en, since
 * the translated sentence above it already says what it means.
 */
export function serverWords(text) {
  if (currentLang() === 'en') return h('p', { class: 'muted small' }, text);
  return h('details', { class: 'server-words small' }, h('summary', {}, t('common.english_details')),
    h('p', { class: 'muted', lang: 'en' }, text));
}

/** The heading and the site's navigation; @p tab is overview, setup, report or uploads. */
export function siteHeader(site, tab, mark) {
  const tabs = [['overview', ''], ['setup', '/setup'], ['report', '/report'], ['uploads', '/uploads']];
  return [
    h('p', { class: 'crumbs' }, h('a', { href: '#/sites' }, t('exp.sites.title')), ' › ', site.domain),
    h('h1', {}, `${t(`exp.tab.${tab}`)}: ${site.domain}`),
    h('p', { class: 'site-state' },
      site.verified ? h('span', { class: 'status ok' }, t('exp.own.verified')) : h('span', { class: 'status warn' }, t('exp.own.unverified')),
      ' ', mark ? markChip(mark.state) : null, ' ', h('span', { class: 'muted mono' }, site.id)),
    pendingNote(site),
    h('nav', { class: 'subnav', 'aria-label': t('exp.tab.nav') }, h('ul', {}, tabs.map(([k, suffix]) =>
      h('li', {}, h('a', { href: `#/sites/${site.id}${suffix}`, 'aria-current': k === tab ? 'page' : null }, t(`exp.tab.${k}`)))))),
  ].filter(Boolean); // (no pending note: nothing, not the text "null")
}

function hms(s) {
  const v = Math.max(0, Math.floor(s));
  const p = (n) => String(n).padStart(2, '0');
  return `${p(Math.floor(v / 3600))}:${p(Math.floor(v / 60) % 60)}:${p(v % 60)}`;
}

/**
 * The live countdown of the upload window: @p duty is the mark's duty (seconds_left at the
 * server's clock when it answered). Ticks every second from the moment of the answer, so it is
 * right even when the server's clock differs from the browser's; stops when removed.
 */
export function countdown(duty) {
  const started = performance.now();
  const left = () => duty.seconds_left - (performance.now() - started) / 1000;
  const out = h('span', { class: 'countdown-time mono', role: 'timer', 'aria-live': 'off' }, hms(left()));
  let seen = false;
  const timer = setInterval(() => {
    if (out.isConnected) seen = true;
    else if (seen) { clearInterval(timer); return; }
    out.textContent = hms(left());
    if (left() <= 0) clearInterval(timer);
  }, 1000);
  return h('div', { class: 'countdown panel' },
    h('p', { class: 'countdown-label' }, t('exp.duty.due_in')), out,
    h('p', {}, t('exp.duty.due_at', { when: fmtDateTime(duty.due) })));
}

/**
 * The site's evaluation still in the job queue (GET /v1/sites/{id} pending_job), in words: queued
 * since when, running, or waiting to be retried after a failed attempt. Null when none.
 */
export function pendingNote(site) {
  const job = site.pending_job;
  if (!job) return null;
  const retry = job.state === 'queued' && job.attempts > 0;
  const text = retry ? t('exp.pending.retry', { when: fmtDateTime(job.not_before), n: job.attempts })
    : t(`exp.pending.${job.state === 'running' ? 'running' : 'queued'}`, { when: fmtDateTime(job.since) });
  return h('p', { class: 'pending', role: 'status', dataset: { job: job.state } },
    h('span', { class: 'status info' }, t('exp.pending.title')), ' ', text);
}

/** What of a pending job a page shows: a change of it means the page is out of date. */
const jobKey = (site) => (site.pending_job ? `${site.pending_job.state}|${site.pending_job.attempts}` : '');

/**
 * While @p site has an evaluation pending (pending_job), asks GET /v1/sites/{id} again after 2 s,
 * then 1.5 times longer each time up to 30 s, and re-renders the page quietly (focus and scroll
 * stay) once the job has moved on: started, finished (the new evaluation shows) or failed. Stops
 * when the page is left. No pending job, no polling: a request on the page re-renders it.
 */
export function watchPending(page, site, first = 2000, max = 30000) {
  if (!site.pending_job) return;
  const route = currentRoute();
  const seen = jobKey(site);
  let wait = first;
  const tick = async () => {
    const now = currentRoute();
    if (!page.isConnected || now.pattern !== route.pattern || now.params.id !== route.params.id) return;
    let key = seen;
    try { key = jobKey(await get(`/v1/sites/${site.id}`)); } catch { /* a failed look: try again later */ }
    if (key !== seen) {
      refresh();
      return;
    }
    wait = Math.min(max, wait * 1.5);
    setTimeout(tick, wait);
  };
  setTimeout(tick, wait);
}
