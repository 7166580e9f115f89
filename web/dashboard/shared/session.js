// SPDX-License-Identifier: Apache-2.0
// Who is signed in: session.me is the answer of GET /v1/me (null when signed out). refresh() asks
// the server; signOut() ends the session (POST /v1/logout). Listeners hear every change.
import { api, onUnauthorized } from './api.js';

export const session = { me: null, checked: false };
const listeners = new Set();

function set(me) {
  session.me = me;
  session.checked = true;
  for (const fn of listeners) fn(me);
}

/** The enterprise kind of @p me (GET /v1/me: exporter, operator, platform, portal), '' signed out. */
export function kindOf(me = session.me) {
  return me && me.user && me.enterprise ? me.enterprise.kind : '';
}
export const isOperator = (me = session.me) => kindOf(me) === 'operator';
export const isExporter = (me = session.me) => kindOf(me) === 'exporter';

/** Where @p me starts: the console for operators, the site list for exporters, else the registry. */
export function homeOf(me = session.me) {
  if (isOperator(me)) return '#/operator';
  return isExporter(me) ? '#/sites' : '#/registry';
}

export function onSession(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Asks the server who is signed in; resolves to the account or null. */
export async function refresh() {
  try {
    set(await api('GET', '/v1/me'));
  } catch (e) {
    if (e.status !== 401) throw e;
    set(null);
  }
  return session.me;
}

/** The account after sign-up or sign-in (the answer of POST /v1/signup or /v1/login). */
export function signedIn(account) {
  set(account);
}

export async function signOut() {
  try {
    await api('POST', '/v1/logout');
  } catch (e) {
    if (e.status !== 401) throw e;
  }
  set(null);
}

onUnauthorized(() => { if (session.me) set(null); });
