// SPDX-License-Identifier: Apache-2.0
// Form helpers: labelled fields, a button that copies a value, and the API's error envelope shown
// next to the control it names (error.field) with aria-invalid and aria-describedby, or in the
// form's alert region when it names none.
import { h, uid } from './dom.js';
import { errorText } from './errors.js';
import { t } from './i18n.js';

/** A labelled input; @p attrs go to the <input> (name, type, autocomplete, required...). */
export function field(label, attrs, hint) {
  const id = attrs.id || uid('f');
  const hintId = hint ? `${id}-hint` : undefined;
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    h(attrs.type === 'textarea' ? 'textarea' : 'input', { ...attrs, id, 'aria-describedby': hintId }));
}

/** Removes every error shown in @p form. */
export function clearErrors(form) {
  for (const e of form.querySelectorAll('.field-error')) e.remove();
  for (const c of form.querySelectorAll('[aria-invalid]')) {
    c.removeAttribute('aria-invalid');
    const d = (c.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && !x.endsWith('-err'));
    if (d.length) c.setAttribute('aria-describedby', d.join(' '));
    else c.removeAttribute('aria-describedby');
  }
  const alert = form.querySelector('.form-alert');
  if (alert) alert.replaceChildren();
}

/**
 * Shows @p err (an ApiError or Error) in @p form: next to the control named err.field when there
 * is one (focused, aria-invalid), else in the form's .form-alert region (made if missing).
 */
export function showError(form, err) {
  const msg = errorText(err);
  const ctl = err.field ? form.querySelector(`[name="${CSS.escape(err.field)}"]`) : null;
  if (ctl) {
    const id = `${ctl.id || uid('c')}-err`;
    const p = h('p', { class: 'field-error', id, role: 'alert' }, msg);
    (ctl.closest('[data-error-after]') || ctl).insertAdjacentElement('afterend', p); // after a composite control
    ctl.setAttribute('aria-invalid', 'true');
    ctl.setAttribute('aria-describedby', `${ctl.getAttribute('aria-describedby') || ''} ${id}`.trim());
    ctl.focus();
    return;
  }
  let alert = form.querySelector('.form-alert');
  if (!alert) {
    alert = h('div', { class: 'form-alert', role: 'alert' });
    form.prepend(alert);
  }
  alert.replaceChildren(h('p', { class: 'field-error' }, msg));
}

/**
 * Runs @p action(data) on submit with the form's values (FormData as an object); clears and shows
 * errors, disables the submit button while it runs.
 */
export function onSubmit(form, action) {
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const btn = form.querySelector('[type=submit]');
    if (btn) btn.disabled = true;
    try {
      await action(Object.fromEntries(new FormData(form)), form);
    } catch (e) {
      showError(form, e);
    } finally {
      if (btn) btn.disabled = false;
    }
  });
  return form;
}

/** A read-only value with a "Copy" button (the ownership token, the SDK snippet). */
export function copyable(label, value, opts = {}) {
  const id = uid('copy');
  const status = h('span', { class: 'copy-status', role: 'status', 'aria-live': 'polite' });
  const box = opts.multiline
    ? h('textarea', { id, readonly: true, rows: opts.rows || 3, class: 'code', spellcheck: 'false' })
    : h('input', { id, readonly: true, class: 'code', spellcheck: 'false' });
  box.value = value;
  const btn = h('button', {
    type: 'button', class: 'secondary', 'aria-describedby': id,
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(value);
      } catch {
        box.select(); // the clipboard API needs a secure context: fall back to the selection
        document.execCommand('copy');
      }
      status.textContent = t('copy.done');
    },
  }, t('copy.button'));
  return h('div', { class: 'copyable' }, h('label', { for: id }, label), h('div', { class: 'copy-row' }, box, btn), status);
}
