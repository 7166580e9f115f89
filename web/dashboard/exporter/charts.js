// SPDX-License-Identifier: Apache-2.0
// The exporter view's SVG graphics (drawn with presentation attributes: the CSP allows no inline
// style): a module gauge and the score-history chart. Each has a <title> and the numbers are also
// given in text next to it, so nothing is shown by colour or shape only.
import { h } from '../shared/dom.js';
import { fmtDate, fmtNumber, t } from '../shared/i18n.js';

const OK = '#1b6b35', WARN = '#7a4a00', BAD = '#a11a1a', TRACK = '#d5dbe1', INK = '#1a1d21', MUTED = '#4a525c';

function colourOf(score, threshold) {
  if (score === null || score === undefined) return MUTED;
  if (threshold !== null && threshold !== undefined) return score >= threshold ? OK : score >= threshold - 15 ? WARN : BAD;
  return score >= 70 ? OK : score >= 50 ? WARN : BAD;
}

/** A ring gauge of a 0..100 @p score labelled @p label; @p note says why it was not counted. */
export function gauge(label, score, { threshold = null, note = '' } = {}) {
  const r = 42, c = 2 * Math.PI * r;
  const v = typeof score === 'number' ? Math.max(0, Math.min(100, score)) : 0;
  const text = typeof score === 'number' ? fmtNumber(score, 0) : '—';
  const title = `${label}: ${typeof score === 'number' ? `${fmtNumber(score, 1)} / 100` : t('exp.gauge.none')}${note ? ` (${note})` : ''}`;
  return h('figure', { class: 'gauge' },
    h('svg', { viewBox: '0 0 100 100', width: '112', height: '112', role: 'img', 'aria-label': title },
      h('title', {}, title),
      h('circle', { cx: '50', cy: '50', r: String(r), fill: 'none', stroke: TRACK, 'stroke-width': '10' }),
      h('circle', {
        cx: '50', cy: '50', r: String(r), fill: 'none', stroke: colourOf(score, threshold), 'stroke-width': '10',
        'stroke-dasharray': `${(v / 100) * c} ${c}`, 'stroke-linecap': 'butt', transform: 'rotate(-90 50 50)',
      }),
      h('text', { x: '50', y: '57', 'text-anchor': 'middle', 'font-size': '24', 'font-weight': '700', fill: INK }, text)),
    h('figcaption', {}, h('strong', {}, label), note ? h('span', { class: 'muted gauge-note' }, note) : null));
}

/**
 * The score history: @p points [{at, total, grade}] oldest first, the threshold line @p threshold.
 * Includes a table of the same numbers for screen readers and copying.
 */
export function historyChart(points, threshold) {
  const W = 520, H = 230, L = 40, R = 12, T = 14, B = 36;
  const xs = points.map((p) => Date.parse(p.at));
  const x0 = Math.min(...xs), x1 = Math.max(...xs);
  const sx = (x) => (x1 === x0 ? L + (W - L - R) / 2 : L + ((x - x0) / (x1 - x0)) * (W - L - R));
  const sy = (y) => T + (1 - y / 100) * (H - T - B);
  const grid = [0, 25, 50, 75, 100].map((y) => [
    h('line', { x1: String(L), x2: String(W - R), y1: String(sy(y)), y2: String(sy(y)), stroke: TRACK, 'stroke-width': '1' }),
    h('text', { x: String(L - 6), y: String(sy(y) + 4), 'text-anchor': 'end', 'font-size': '13', fill: MUTED }, String(y)),
  ]);
  const scored = points.filter((p) => typeof p.total === 'number');
  const line = scored.map((p) => `${sx(Date.parse(p.at)).toFixed(1)},${sy(p.total).toFixed(1)}`).join(' ');
  const title = t('exp.history.title');
  const svg = h('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': title },
    h('title', {}, title), grid,
    threshold !== null && threshold !== undefined ? [
      h('line', { x1: String(L), x2: String(W - R), y1: String(sy(threshold)), y2: String(sy(threshold)),
        stroke: BAD, 'stroke-width': '2', 'stroke-dasharray': '6 4' }),
      h('text', { x: String(W - R), y: String(sy(threshold) - 5), 'text-anchor': 'end', 'font-size': '13', fill: BAD },
        t('exp.history.threshold', { n: fmtNumber(threshold, 1) })),
    ] : null,
    scored.length > 1 ? h('polyline', { points: line, fill: 'none', stroke: '#0b4f8a', 'stroke-width': '2.5' }) : null,
    scored.map((p) => h('circle', { cx: String(sx(Date.parse(p.at))), cy: String(sy(p.total)), r: '4.5', fill: '#0b4f8a' },
      h('title', {}, `${fmtDate(p.at)}: ${fmtNumber(p.total, 1)} (${p.grade})`))),
    h('text', { x: String(x1 === x0 ? sx(x0) : L), y: String(H - 10), 'text-anchor': x1 === x0 ? 'middle' : 'start', 'font-size': '13', fill: MUTED },
      fmtDate(points[0].at)),
    x1 !== x0 ? h('text', { x: String(W - R), y: String(H - 10), 'text-anchor': 'end', 'font-size': '13', fill: MUTED },
      fmtDate(points[points.length - 1].at)) : null);
  const table = h('details', { class: 'chart-data' }, h('summary', {}, t('exp.history.table')),
    h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('exp.history.when')), h('th', { scope: 'col', class: 'num' }, t('exp.eval.total')),
        h('th', { scope: 'col' }, t('exp.eval.grade')))),
      h('tbody', {}, [...points].reverse().map((p) => h('tr', {}, h('td', {}, fmtDate(p.at)),
        h('td', { class: 'num' }, fmtNumber(p.total, 1)), h('td', {}, p.grade)))))));
  return h('div', { class: 'history' }, svg, table);
}
