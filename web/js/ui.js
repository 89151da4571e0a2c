// SPDX-License-Identifier: Apache-2.0
// What every view shares: the status line, error boxes, confirmations, and
// showing an API refusal beside the field it names.
import { ApiError, serverUrl } from './api.js';
import { h, fieldError, replace } from './dom.js';
import { KeyError } from './keys.js';
import { SessionExpired, signOut } from './session.js';
import { t } from './text.js';

// Announces `text` in the status line (read out by screen readers).
export function announce(text, kind = 'ok') {
  const status = document.getElementById('status');
  status.className = `status ${kind}`;
  status.textContent = text;
}

export function clearStatus() {
  announce('', '');
}

// The words for an error: an API refusal as the server said it, a key
// problem in our words, anything else as it is.
export function errorText(e) {
  if (e instanceof KeyError) return t(e.message);
  if (e instanceof ApiError) return e.code ? `${e.code}: ${e.description}` : e.description;
  if (e instanceof TypeError) return t('error.network');
  return String((e && e.message) || e);
}

// An error box: the text, and for an MP code the page that explains it. A
// session that ran out goes back to the sign-in form instead.
export function errorBox(e, title) {
  if (e instanceof SessionExpired) {
    sessionEnded();
    return h('div');
  }
  return h('div', { class: 'error-box', role: 'alert' },
    title ? h('strong', {}, title, ': ') : null,
    errorText(e),
    e instanceof ApiError && e.code
      ? [' ', h('a', { href: serverUrl(`errors/${e.code}`) }, t('error.more'))]
      : null);
}

// Shows an API refusal beside the first field whose API name it mentions
// (`inputs` maps API field names to inputs); else in `fallback`.
export function showFormError(e, inputs, fallback) {
  if (e instanceof SessionExpired) {
    sessionEnded();
    return;
  }
  for (const input of Object.values(inputs)) fieldError(input, null);
  const text = errorText(e);
  for (const [name, input] of Object.entries(inputs)) {
    if (new RegExp(`(^|[^a-z_])${name}([^a-z_]|$)`).test(e.description || '')) {
      fieldError(input, text);
      input.focus();
      replace(fallback);
      return;
    }
  }
  replace(fallback, errorBox(e));
}

// A failed action, in the status line (or back to sign-in, as errorBox).
export function report(e) {
  if (e instanceof SessionExpired) sessionEnded();
  else announce(errorText(e), 'error');
}

// A pasted token ran out: back to the sign-in form, saying why.
export function sessionEnded() {
  signOut();
  announce(t('signin.expired'), 'error');
  location.hash = '#/';
}

// Sends a form to the API: on submit, `send()` runs with the button held
// down; a refusal shows beside the field it names (or in `problem`), and
// success clears what an earlier refusal showed. `send()` answers false when
// it found the form wrong itself and sent nothing.
export function onSubmit(form, submit, inputs, problem, send) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    await busy(submit, async () => {
      try {
        if ((await send()) === false) return;
        for (const input of Object.values(inputs)) fieldError(input, null);
        replace(problem);
      } catch (e) {
        showFormError(e, inputs, problem);
      }
    });
  });
}

// A modal yes/no question; resolves to true for yes.
export function confirmDialog(question, yes) {
  return new Promise((resolve) => {
    const dialog = h('dialog', { 'aria-labelledby': 'confirm-q' },
      h('p', { id: 'confirm-q' }, question),
      h('div', { class: 'actions' },
        h('button', { class: 'danger', value: 'yes', onclick: () => dialog.close('yes') }, yes),
        h('button', { value: 'no', onclick: () => dialog.close('no') }, t('common.cancel'))));
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(dialog.returnValue === 'yes');
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

export function date(iso) {
  if (!iso) return '';
  const d = typeof iso === 'number' ? new Date(iso * 1000) : new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toISOString().replace('T', ' ').slice(0, 16);
}

export function stateTag(active) {
  return h('span', { class: `tag ${active ? 'ok' : 'off'}` },
    active ? t('common.active') : t('common.inactive'));
}

// Runs `work` with `button` disabled, so a double click does not send twice.
export async function busy(button, work) {
  button.disabled = true;
  try {
    return await work();
  } finally {
    button.disabled = false;
  }
}
