// SPDX-License-Identifier: Apache-2.0
// Norwegian organisation numbers: nine digits, the last a modulus-11 check
// digit over the first eight (weights 3 2 7 6 5 4 3 2), as the API checks.
import { fieldError, h } from './dom.js';
import { t } from './text.js';

// null when `text` is an organisation number, else the key of what is wrong.
export function orgnoProblem(text) {
  if (!/^\d{9}$/.test(text)) return 'orgno.digits';
  const weights = [3, 2, 7, 6, 5, 4, 3, 2];
  const sum = weights.reduce((s, w, i) => s + w * Number(text[i]), 0);
  const rest = sum % 11;
  const check = rest === 0 ? 0 : 11 - rest;
  return check === 10 || check !== Number(text[8]) ? 'orgno.check' : null;
}

// An input for an organisation number, checked as it is typed (once it has
// nine characters, or anything but digits). `valid()` says whether the value
// is one, showing why not beside the field and focusing it.
export function orgnoInput(name) {
  const input = h('input', { type: 'text', name, inputmode: 'numeric', autocomplete: 'off', maxlength: 9 });
  input.addEventListener('input', () => {
    const problem = orgnoProblem(input.value);
    const judged = input.value.length >= 9 || !/^\d*$/.test(input.value);
    fieldError(input, judged && problem ? t(problem) : null);
  });
  const valid = () => {
    const problem = orgnoProblem(input.value);
    fieldError(input, problem ? t(problem) : null);
    if (problem) input.focus();
    return !problem;
  };
  return { input, valid };
}
