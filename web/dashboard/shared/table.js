// SPDX-License-Identifier: Apache-2.0
// Tables that stack into one card per row on a phone: stackable(table) gives the table the class
// "stack" and every body cell a data-label holding its column's heading, which shared/style.css
// shows before the value under 720 px (the <thead> stays for screen readers and wide screens).

/** Marks @p table (with a <thead>) as stackable; returns it. */
export function stackable(table) {
  const heads = [...table.querySelectorAll('thead th')].map((th) => th.textContent.trim());
  table.classList.add('stack');
  for (const tr of table.querySelectorAll('tbody tr')) {
    [...tr.children].forEach((cell, i) => { if (heads[i]) cell.dataset.label = heads[i]; });
  }
  return table;
}
