// SPDX-License-Identifier: Apache-2.0
// The dashboard's fetch wrapper for the cwtap REST API (docs/openapi.yaml): same-origin cookies,
// JSON in and out, the CSRF header on writes (the readable cwtap_csrf cookie's value in
// X-CSRF-Token), and the error envelope {"error":{code,message,field}} turned into an ApiError
// that forms show next to the named field (showError in shared/forms.js), in the user's language
// (shared/errors.js).

/** An answer that is not 2xx: status, the envelope's code/message/field, and the whole body. */
export class ApiError extends Error {
  constructor(status, code, message, field, body, extra = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field || '';
    this.body = body; // extra members of the answer: "result" of a refused upload, "locked_until"...
    this.path = extra.path || ''; // the API path asked (errors.js words a 401 of /v1/login apart)
    this.retryAfter = extra.retryAfter || 0; // seconds of a 429's Retry-After
  }
}

/** The value of cookie @p name, or ''. */
export function cookie(name) {
  for (const part of document.cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return '';
}

const listeners = new Set();
/** Calls @p fn(err) on every 401 (the session ended): the app sends the user to sign in. */
export function onUnauthorized(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/**
 * Calls the API. @p body: an object (sent as JSON), a string (sent as @p opts.type, default
 * text/csv) or undefined. Resolves to the parsed JSON answer (null for 204); rejects with an
 * ApiError (status 0, code "network" when the server cannot be reached).
 */
export async function api(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json' };
  let payload;
  if (typeof body === 'string') {
    headers['Content-Type'] = opts.type || 'text/csv';
    payload = body;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  if (method !== 'GET' && method !== 'HEAD') {
    const csrf = cookie('cwtap_csrf');
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }
  let r;
  try {
    r = await fetch(path, { method, headers, body: payload, credentials: 'same-origin', cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, 'network', `the server cannot be reached (${e.message})`, '', null);
  }
  if (r.status === 204) return null;
  const text = await r.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (r.ok) return json;
  const e = json && json.error ? json.error : {};
  const retry = Number.parseInt(r.headers.get('Retry-After') || '', 10);
  const err = new ApiError(r.status, e.code || `http_${r.status}`, e.message || r.statusText || 'request failed',
    e.field, json, { path, retryAfter: Number.isFinite(retry) && retry > 0 ? retry : 0 });
  if (r.status === 401) for (const fn of listeners) fn(err);
  throw err;
}

export const get = (path) => api('GET', path);
export const post = (path, body, opts) => api('POST', path, body, opts);
export const put = (path, body) => api('PUT', path, body);
export const del = (path) => api('DELETE', path);
