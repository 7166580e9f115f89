// SPDX-License-Identifier: Apache-2.0
// Building DOM without innerHTML (the CSP forbids inline script and style; text from the server is
// never parsed as HTML). h('p', {class: 'x', onclick: fn}, 'text', child) makes an element.

const SVG_NS = 'http://www.w3.org/2000/svg';
const SVG_TAGS = new Set(['svg', 'g', 'path', 'circle', 'line', 'polyline', 'rect', 'text', 'title', 'desc']);

function build(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value' && 'value' in el) el.value = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

/** Appends children: strings become text nodes; arrays are flattened; null/false are skipped. */
export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** An HTML element (or an SVG one for svg tags). */
export function h(tag, attrs, ...children) {
  const el = SVG_TAGS.has(tag) ? document.createElementNS(SVG_NS, tag) : document.createElement(tag);
  return build(el, attrs, children);
}

/** Replaces the children of @p el. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

let ids = 0;
/** A document-unique id with @p prefix (labels, aria-describedby). */
export function uid(prefix = 'id') {
  ids += 1;
  return `${prefix}-${ids}`;
}
