// SPDX-License-Identifier: Apache-2.0
// The three uploads due after the green mark (docs/uploads.md): customs declaration summaries,
// ISO certification changes, service outlets. Each form posts the chosen CSV file as text/csv;
// a refused file (422) is shown back row by row with the server's issues next to the rows they
// name (row = the line the record starts on, header = 1; row 0 = the whole file).
import { ApiError, get, post } from '../shared/api.js';
import { h, replace } from '../shared/dom.js';
import { clearErrors, showError } from '../shared/forms.js';
import { fmtDateTime, fmtNumber, hasKey, t } from '../shared/i18n.js';
import { requireSession } from './auth.js';
import { countdown, siteHeader } from './site_common.js';

const KINDS = ['customs', 'iso', 'outlets'];
const COLUMNS = {
  customs: 'month, hs_code, destination_country, declarations, quantity, unit, value, currency',
  iso: 'standard, certificate_number, body, status, effective_date',
  outlets: 'country, city, address, phone, languages, hours',
};
const MAX_SHOWN = 300; // rows listed in full; past this only the rows with issues

function dutyPanel(mark) {
  const d = mark.duty;
  return h('section', { class: 'panel duty', 'aria-labelledby': 'duty-h' }, h('h2', { id: 'duty-h' }, t('exp.duty.title')),
    h('p', {}, h('span', { class: `status ${mark.green ? 'ok' : mark.state === 'downgraded' ? 'bad' : 'info'}` }, t(`exp.mark.state.${mark.state}`))),
    d.open && !d.met ? countdown(d) : null,
    d.met ? h('p', {}, h('span', { class: 'status ok' }, t('exp.duty.met'))) : null,
    !d.open && !d.met ? h('p', {}, t('exp.duty.closed')) : null,
    h('ul', { class: 'duty-list' }, KINDS.map((k) => h('li', { dataset: { kind: k } },
      h('span', { class: 'duty-kind' }, t(`exp.up.${k}.title`)), ' ',
      d.uploaded[k] ? h('span', { class: 'status ok' }, t('exp.duty.uploaded', { when: fmtDateTime(d.uploaded[k]) }))
        : h('span', { class: 'status warn' }, t('exp.duty.notyet'))))));
}

/**
 * An upload issue in the user's language, by its stable code and column (docs/uploads.md): a bad
 * or empty value says what its column expects (exp.col.COLUMN). A code or column without words
 * here keeps the server's English message (it names particulars such as the missing months).
 */
export function issueWords(i) {
  const code = String(i.code || '').startsWith('sensitive.') ? 'sensitive' : i.code;
  const key = `exp.issue.${code}`;
  if (!hasKey(key)) return i.message;
  if (code === 'invalid.value' || code === 'invalid.empty') {
    return hasKey(`exp.col.${i.column}`) ? t(key, { rule: t(`exp.col.${i.column}`) }) : i.message;
  }
  return t(key);
}

/** The file's lines with the server's issues beside the rows they name. */
export function issueTable(text, result) {
  const byRow = new Map();
  for (const i of result.issues || []) {
    if (!byRow.has(i.row)) byRow.set(i.row, []);
    byRow.get(i.row).push(i);
  }
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  const fileLevel = byRow.get(0) || [];
  const shown = lines.map((l, i) => i + 1).filter((row) => lines.length <= MAX_SHOWN || byRow.has(row) || row === 1);
  const issueText = (i) => h('li', {}, i.column ? h('strong', {}, `${i.column}: `) : null, issueWords(i), ' ',
    h('span', { class: 'muted mono' }, `(${i.code})`));
  return h('div', { class: 'upload-issues' },
    h('p', {}, t('exp.up.summary', { rows: fmtNumber(result.rows ?? lines.length - 1, 0), ok: fmtNumber(result.rows_ok ?? 0, 0), issues: (result.issues || []).length })),
    fileLevel.length ? h('div', { class: 'file-issues' }, h('h4', {}, t('exp.up.file_issues')), h('ul', {}, fileLevel.map(issueText))) : null,
    h('div', { class: 'table-wrap' }, h('table', { class: 'csv-rows' },
      h('caption', { class: 'sr-only' }, t('exp.up.rows_caption')),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', class: 'num' }, t('exp.up.row')), h('th', { scope: 'col' }, t('exp.up.content')),
        h('th', { scope: 'col' }, t('exp.up.problem')))),
      h('tbody', {}, shown.map((row) => {
        const mine = byRow.get(row) || [];
        return h('tr', { class: mine.length ? 'row-bad' : null, dataset: { row: String(row) } },
          h('th', { scope: 'row', class: 'num' }, String(row)),
          h('td', { class: 'mono csv-line' }, lines[row - 1]),
          h('td', { class: 'row-issue' }, mine.length ? h('ul', {}, mine.map(issueText)) : h('span', { class: 'muted' }, '✓')));
      })))));
}

/**
 * A file input that speaks the page's language: the browser's own "Choose File / No file chosen"
 * follows the browser's locale, so the real input lies transparent over a button and the chosen
 * name drawn in our words (it keeps the focus, its ring and its label; errors go after the picker).
 */
function filePicker(id) {
  const name = h('span', { class: 'file-name', 'aria-hidden': 'true' }, t('exp.up.nofile'));
  const input = h('input', { id, name: 'body', type: 'file', accept: '.csv,text/csv', required: true, 'aria-describedby': `${id}-cols` });
  input.addEventListener('change', () => { name.textContent = input.files && input.files[0] ? input.files[0].name : t('exp.up.nofile'); });
  return h('div', { class: 'file-pick', dataset: { errorAfter: '' } },
    h('span', { class: 'button secondary file-button', 'aria-hidden': 'true' }, t('exp.up.pick')), name, input);
}

function uploadForm(site, kind, onAccepted) {
  const fileId = `file-${kind}`;
  const result = h('div', { class: 'upload-result', role: 'status', 'aria-live': 'polite' });
  const form = h('form', { class: 'panel upload', novalidate: true, 'aria-labelledby': `up-${kind}`, dataset: { kind } },
    h('h3', { id: `up-${kind}` }, t(`exp.up.${kind}.title`)),
    h('p', {}, t(`exp.up.${kind}.lead`)),
    h('p', { class: 'hint', id: `${fileId}-cols` }, t('exp.up.columns'), ' ', h('code', {}, COLUMNS[kind])),
    h('div', { class: 'form-alert', role: 'alert' }),
    h('div', { class: 'field' }, h('label', { for: fileId }, t('exp.up.file')), filePicker(fileId)),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('exp.up.submit'))),
    result);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    result.replaceChildren();
    const input = form.elements.body;
    const file = input.files && input.files[0];
    if (!file) {
      showError(form, new ApiError(400, 'invalid', t('exp.up.choose'), 'body', null));
      return;
    }
    const btn = form.querySelector('[type=submit]');
    btn.disabled = true;
    const text = await file.text();
    try {
      const r = await post(`/v1/sites/${site.id}/uploads/${kind}`, text, { type: 'text/csv' });
      replace(result, h('p', { class: 'ok-text' }, h('span', { class: 'status ok' }, t('exp.up.accepted')), ' ',
        t('exp.up.accepted.rows', { rows: fmtNumber(r.rows, 0), name: file.name })));
      await onAccepted();
    } catch (e) {
      if (e instanceof ApiError && e.status === 422 && e.body && e.body.result) {
        showError(form, e);
        replace(result, issueTable(text, e.body.result));
      } else {
        showError(form, e);
      }
    } finally {
      btn.disabled = false;
    }
  });
  return form;
}

export async function uploadsPage({ id }, page) {
  if (!requireSession()) return;
  const site = await get(`/v1/sites/${id}`);
  const mark = site.verified ? await get(`/v1/sites/${id}/mark`) : null;
  page.append(...siteHeader(site, 'uploads', mark));
  if (!mark) {
    page.append(h('p', { class: 'lead' }, t('exp.own.first')));
    return;
  }
  let duty = dutyPanel(mark);
  page.append(h('p', { class: 'lead' }, t('exp.up.lead')), duty);
  const again = async () => {
    const m = await get(`/v1/sites/${id}/mark`);
    const next = dutyPanel(m);
    duty.replaceWith(next);
    duty = next;
  };
  page.append(h('div', { class: 'uploads' }, KINDS.map((k) => uploadForm(site, k, again))));
}
