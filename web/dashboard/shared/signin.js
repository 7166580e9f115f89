// SPDX-License-Identifier: Apache-2.0
// The sign-in form of the exporter view and of the operator console: e-mail and password, POST
// /v1/login (errors beside the field the server names), the session started, then after().
// keys names the page's strings (email, password, submit); headingId the heading that labels it.
import { post } from './api.js';
import { h } from './dom.js';
import { field, onSubmit } from './forms.js';
import { t } from './i18n.js';
import { signedIn } from './session.js';

export function signinForm(headingId, keys, after) {
  const form = h('form', { novalidate: true, 'aria-labelledby': headingId },
    h('div', { class: 'form-alert', role: 'alert' }),
    field(t(keys.email), { name: 'email', type: 'email', autocomplete: 'username', required: true }),
    field(t(keys.password), { name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t(keys.submit))));
  onSubmit(form, async (d) => {
    signedIn(await post('/v1/login', { email: d.email.trim(), password: d.password }));
    after();
  });
  return form;
}
