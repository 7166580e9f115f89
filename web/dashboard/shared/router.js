// SPDX-License-Identifier: Apache-2.0
// A hash router: route('#/sites/:id', render) registers a page; render(params, outlet) fills the
// <main> outlet (it may be async). Navigating is changing location.hash (links are plain
// <a href="#/...">). After each render the outlet's first <h1> gets the focus so screen readers and
// keyboard users start at the new page, and document.title follows it.
import { errorText } from './errors.js';

const routes = [];
let outlet = null;
let notFound = null;
let current = { pattern: '', params: {} };
let seq = 0;

/** Registers @p pattern ("#/a/:b") with @p render(params, outlet, query). */
export function route(pattern, render) {
  const names = [];
  const re = new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (m, n) => {
    names.push(n);
    return '([^/?]+)';
  })}$`);
  routes.push({ pattern, re, names, render });
}

/** The page shown when no route matches. */
export function fallback(render) {
  notFound = render;
}

/** Matches @p hash ("#/sites/s_x?tab=y") to a route: {route, params, query} or null. */
export function match(hash) {
  const h = hash || '#/';
  const q = h.indexOf('?');
  const path = q >= 0 ? h.slice(0, q) : h;
  const query = new URLSearchParams(q >= 0 ? h.slice(q + 1) : '');
  for (const r of routes) {
    const m = r.re.exec(path);
    if (m) return { route: r, params: Object.fromEntries(r.names.map((n, i) => [n, decodeURIComponent(m[i + 1])])), query };
  }
  return null;
}

/**
 * Renders the route of the current hash; a render started later wins over a slower earlier one.
 * With {quiet: true} (a refresh of the same page) the focus and the scroll position stay.
 */
export async function render(opts) {
  const quiet = !!(opts && opts.quiet);
  const mine = ++seq;
  const m = match(location.hash);
  current = m ? { pattern: m.route.pattern, params: m.params } : { pattern: '', params: {} };
  const page = document.createElement('div');
  page.className = 'page';
  try {
    if (m) await m.route.render(m.params, page, m.query);
    else if (notFound) await notFound({}, page);
  } catch (e) {
    page.replaceChildren();
    const p = document.createElement('p');
    p.className = 'field-error';
    p.setAttribute('role', 'alert');
    p.textContent = errorText(e);
    page.append(p);
  }
  if (mine !== seq) return; // a newer navigation replaced this one
  if (quiet) {
    // Keep the focused control's place: remember its id and put the focus back on the new one.
    const id = document.activeElement && outlet.contains(document.activeElement) ? document.activeElement.id : '';
    const y = window.scrollY;
    outlet.replaceChildren(page);
    const again = id && document.getElementById(id);
    if (again) again.focus({ preventScroll: true });
    window.scrollTo(0, y);
    document.dispatchEvent(new CustomEvent('cwtap:rendered', { detail: current }));
    return;
  }
  outlet.replaceChildren(page);
  const h1 = page.querySelector('h1');
  if (h1) {
    h1.tabIndex = -1;
    h1.focus({ preventScroll: true });
    document.title = `${h1.textContent} · cwtap`;
  }
  window.scrollTo(0, 0);
  document.dispatchEvent(new CustomEvent('cwtap:rendered', { detail: current }));
}

/** Renders the current page again without moving the focus (new data from the server). */
export function refresh() {
  return render({ quiet: true });
}

/** The route being shown: {pattern, params}. */
export function currentRoute() {
  return current;
}

/** Goes to @p hash (re-renders even when it is the current one). */
export function go(hash) {
  if (location.hash === hash) render();
  else location.hash = hash;
}

/** Starts routing into @p el. */
export function start(el) {
  outlet = el;
  window.addEventListener('hashchange', () => render());
  return render();
}
