// SPDX-License-Identifier: Apache-2.0
// Norwegian organisation numbers: nine digits, the last a modulus-11 check
// digit over the first eight (weights 3 2 7 6 5 4 3 2), as the API checks.

// null when `text` is an organisation number, else the key of what is wrong.
export function orgnoProblem(text) {
  if (!/^\d{9}$/.test(text)) return 'orgno.digits';
  const weights = [3, 2, 7, 6, 5, 4, 3, 2];
  const sum = weights.reduce((s, w, i) => s + w * Number(text[i]), 0);
  const rest = sum % 11;
  const check = rest === 0 ? 0 : 11 - rest;
  return check === 10 || check !== Number(text[8]) ? 'orgno.check' : null;
}
