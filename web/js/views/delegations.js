// SPDX-License-Identifier: Apache-2.0
// Delegations the organisation gave (it may remove those) and received, and
// a form to delegate one of its delegable scopes to a supplier.
import { h, field, table } from '../dom.js';
import { orgnoInput } from '../orgno.js';
import { SessionExpired, call, canChange, canCreate, session } from '../session.js';
import { t } from '../text.js';
import { announce, busy, confirmDialog, errorBox, onSubmit, report, stateTag } from '../ui.js';
import { delegableScopes } from './usable.js';

function removeButton(d, ctx) {
  const button = h('button', { class: 'danger', type: 'button', 'data-id': d.id }, t('common.remove'));
  button.addEventListener('click', async () => {
    if (!(await confirmDialog(t('delegations.remove_confirm', d.scope, d.supplier_orgno), t('common.remove')))) return;
    await busy(button, async () => {
      try {
        await call('DELETE', `/v1/delegations/${encodeURIComponent(d.id)}`);
        announce(t('delegations.removed'));
        ctx.render();
      } catch (e) {
        report(e);
      }
    });
  });
  return h('div', { class: 'row-actions' }, button);
}

function delegationTable(delegations, ctx) {
  if (!delegations.length) return h('p', {}, t('common.none'));
  const org = session().org;
  const rows = delegations.map((d) => [h('span', { class: 'mono' }, d.scope), d.consumer_orgno, d.supplier_orgno,
    stateTag(d.active), d.active && d.consumer_orgno === org && canChange() ? removeButton(d, ctx) : '']);
  return table([t('delegations.scope'), t('delegations.consumer'), t('delegations.supplier'),
    t('delegations.state'), ''], rows, t('delegations.list_caption'));
}

function delegateForm(scopes, ctx) {
  if (!scopes.length) return h('p', { id: 'no-delegable' }, t('delegations.no_delegable'));
  const scope = h('select', { name: 'scope' }, scopes.map((s) => h('option', { value: s }, s)));
  const { input: supplier, valid } = orgnoInput('supplier_orgno');
  const problem = h('div');
  const submit = h('button', { class: 'primary', type: 'submit' }, t('delegations.submit'));
  const form = h('form', { id: 'delegation-form', novalidate: true },
    field(t('delegations.scope'), scope, t('delegations.scope_hint')),
    field(t('delegations.supplier'), supplier, t('scope.orgno_hint')),
    h('div', { class: 'actions' }, submit),
    problem);
  onSubmit(form, submit, { scope, supplier_orgno: supplier }, problem, async () => {
    if (!valid()) return false;
    await call('POST', '/v1/delegations', { json: { scope: scope.value, supplier_orgno: supplier.value } });
    announce(t('delegations.added', scope.value, supplier.value));
    ctx.render();
  });
  return form;
}

export async function render(_, ctx) {
  const showInactive = sessionStorage.getItem('delegations.inactive') === '1';
  let delegations;
  let scopes;
  try {
    [delegations, scopes] = await Promise.all([
      call('GET', `/v1/delegations${showInactive ? '?inactive=true' : ''}`),
      canCreate() ? delegableScopes() : [],
    ]);
  } catch (e) {
    if (e instanceof SessionExpired) throw e;
    return h('section', {}, h('h1', {}, t('delegations.title')), errorBox(e));
  }
  const toggle = h('input', { type: 'checkbox', id: 'show-inactive', checked: showInactive });
  toggle.addEventListener('change', () => {
    sessionStorage.setItem('delegations.inactive', toggle.checked ? '1' : '0');
    ctx.render();
  });
  return h('section', {},
    h('h1', {}, t('delegations.title')),
    h('p', { class: 'lead' }, t('delegations.lead')),
    h('div', { class: 'check' }, toggle, h('label', { for: 'show-inactive' }, t('common.show_inactive'))),
    delegationTable(delegations, ctx),
    canCreate() ? h('section', { id: 'delegate' }, h('h2', {}, t('delegations.new')), delegateForm(scopes, ctx)) : null);
}
