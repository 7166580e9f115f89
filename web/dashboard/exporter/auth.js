// SPDX-License-Identifier: Apache-2.0
// Sign up (POST /v1/signup) and sign in (POST /v1/login). Both start a session (the server sets
// the cookies) and go to the site list. Errors appear next to the field the server names.
import { post } from '../shared/api.js';
import { h } from '../shared/dom.js';
import { field, onSubmit } from '../shared/forms.js';
import { t } from '../shared/i18n.js';
import { go } from '../shared/router.js';
import { signinForm } from '../shared/signin.js';
import { homeOf, session, signedIn } from '../shared/session.js';

export function signupPage(params, page) {
  if (session.me) return go(homeOf());
  const form = h('form', { novalidate: true, 'aria-labelledby': 'signup-h' },
    h('div', { class: 'form-alert', role: 'alert' }),
    field(t('exp.auth.enterprise'), { name: 'enterprise_name', autocomplete: 'organization', required: true, maxlength: '200' }),
    field(t('exp.auth.email'), { name: 'email', type: 'email', autocomplete: 'email', required: true }),
    field(t('exp.auth.password'), { name: 'password', type: 'password', autocomplete: 'new-password', required: true },
      t('exp.auth.password.hint')),
    field(t('exp.auth.country'), { name: 'country', autocomplete: 'country', maxlength: '2', pattern: '[A-Za-z]{2}' },
      t('exp.auth.country.hint')),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('exp.auth.signup.submit'))));
  onSubmit(form, async (d) => {
    const body = { enterprise_name: d.enterprise_name.trim(), email: d.email.trim(), password: d.password };
    if (d.country.trim()) body.country = d.country.trim().toUpperCase();
    signedIn(await post('/v1/signup', body));
    go('#/sites');
  });
  page.append(h('h1', { id: 'signup-h' }, t('exp.auth.signup.title')), h('p', { class: 'lead' }, t('exp.auth.signup.lead')),
    form, h('p', {}, t('exp.auth.have'), ' ', h('a', { href: '#/signin' }, t('exp.auth.signin.title'))));
}

export function signinPage(params, page) {
  if (session.me) return go(homeOf());
  const form = signinForm('signin-h',
    { email: 'exp.auth.email', password: 'exp.auth.password', submit: 'exp.auth.signin.submit' }, () => go(homeOf()));
  page.append(h('h1', { id: 'signin-h' }, t('exp.auth.signin.title')), form,
    h('p', {}, t('exp.auth.new'), ' ', h('a', { href: '#/signup' }, t('exp.auth.signup.title'))));
}

/** False (after sending the user to sign in) when nobody is signed in. */
export function requireSession() {
  if (session.me && session.me.user) return true;
  go('#/signin');
  return false;
}
