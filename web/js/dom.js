// SPDX-License-Identifier: Apache-2.0
// Building the page: elements from plain values. Text is always set as
// text (never parsed as HTML), so that whatever the API returns shows as the
// characters it is.

// h('button', {class: 'primary', onclick: f}, 'Save') -> <button>.
// Attributes: on<event> adds a listener, `class`, `for`, `hidden` and data-*
// as usual, booleans present or absent; children: strings, numbers, nodes,
// arrays of them, null and false (skipped).
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (value === true) {
      el.setAttribute(name, '');
    } else {
      el.setAttribute(name, String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(parent, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

// Replaces what `parent` holds.
export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

// A table: headers, and rows of cells (strings or nodes). On a phone the
// stylesheet shows each row as a card with the header beside each cell.
export function table(headers, rows, caption) {
  return h('table', {},
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows.map((cells) =>
      h('tr', {}, cells.map((cell, i) => h('td', { 'data-label': headers[i] }, cell))))));
}

// A labelled field. `input` is an <input>, <select> or <textarea>; its id ties
// the label, the hint and the field's own error message to it.
let fieldCount = 0;
export function field(label, input, hint) {
  const id = input.id || `f${++fieldCount}`;
  input.id = id;
  const error = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  const described = [hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(' ');
  input.setAttribute('aria-describedby', described);
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null,
    input,
    error);
}

// Shows `message` under the field of `input` (null clears it).
export function fieldError(input, message) {
  const error = document.getElementById(`${input.id}-error`);
  if (!error) return;
  error.hidden = !message;
  error.textContent = message || '';
  if (message) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
}

// Offers `text` as a file download.
export function download(name, text, type = 'application/octet-stream') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
