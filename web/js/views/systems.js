// SPDX-License-Identifier: Apache-2.0
// Altinn's system users. A vendor sees the systems it registered in the
// system register and the customers that approved them; a customer sees its
// system users, creates one for a system offered to it, and removes one
// (the API deactivates it: nothing is deleted).
import { h, field, table } from '../dom.js';
import { SessionExpired, call, canChange, canCreate, session } from '../session.js';
import { t } from '../text.js';
import { announce, busy, confirmDialog, date, errorBox, onSubmit, report, stateTag } from '../ui.js';

const mono = (text) => h('span', { class: 'mono' }, text);
const vendorOf = (system) => String((system.vendor && system.vendor.ID) || '').split(':').pop();

// A system's name (or description) in the page's language, else as the
// server shows it: bokmål, English, nynorsk.
function shown(texts) {
  if (!texts || typeof texts !== 'object') return texts ? String(texts) : '';
  const lang = document.documentElement.lang;
  return texts[lang] ?? texts.nb ?? texts.en ?? texts.nn ?? '';
}

// A name over a muted id, for a cell: what a person reads, then what the
// API and the CLI call it.
const named = (name, id, idAttrs = {}) => [name ? h('div', {}, name) : null,
  h('div', { class: 'mono muted', ...idAttrs }, id)];
const orgno = (text) => h('span', { class: 'nowrap' }, text);

function systemCell(systems, id) {
  const system = systems.find((s) => s.id === id);
  return named(system ? shown(system.name) : '', id);
}

function ownSystemsTable(systems) {
  if (!systems.length) {
    return h('p', { id: 'no-systems' }, t('systems.none_own'), ' ', t('systems.how_to_register'), ' ',
      h('code', {}, 'POST /api/v1/systemregister/vendor'), ', ', h('code', {}, 'mpctl system add'), '.');
  }
  const clients = (s) => (s.clientId && s.clientId.length
    ? s.clientId.map((c) => [mono(c), ' ']) : h('span', { class: 'muted' }, t('systems.no_clients')));
  const rows = systems.map((s) => [mono(s.id), shown(s.name), clients(s),
    s.isVisible ? t('common.yes') : t('common.no'), stateTag(!s.isDeleted)]);
  return table([t('systems.id'), t('systems.name'), t('systems.clients'), t('systems.visible'), t('systems.state')],
    rows, t('systems.own_caption'));
}

// The system users customers made for the vendor's systems.
function customersTable(users) {
  if (!users.length) return h('p', {}, t('systems.no_customers'));
  const rows = users.map((u) => [mono(u.systemId), orgno(u.partyOrgNo), u.externalRef, date(u.created),
    stateTag(!u.isDeleted)]);
  return table([t('systemusers.system'), t('systemusers.customer'), t('systemusers.external_ref'),
    t('systemusers.created_at'), t('systemusers.state')], rows, t('systems.customers_caption'));
}

function removeButton(user, ctx) {
  const button = h('button', { class: 'danger', type: 'button', 'data-id': user.id }, t('common.remove'));
  button.addEventListener('click', async () => {
    if (!(await confirmDialog(t('systemusers.remove_confirm', user.integrationTitle, user.systemId),
      t('common.remove')))) return;
    await busy(button, async () => {
      try {
        await call('DELETE', `/v1/systemuser/${encodeURIComponent(user.id)}`);
        announce(t('systemusers.removed', user.integrationTitle));
        ctx.render();
      } catch (e) {
        report(e);
      }
    });
  });
  return h('div', { class: 'row-actions' }, button);
}

// The customer's own system users, each removable while active.
function ownUsersTable(users, systems, ctx) {
  if (!users.length) return h('p', { id: 'no-systemusers' }, t('systemusers.none'));
  const rows = users.map((u) => [named(u.integrationTitle, u.id, { 'data-systemuser': u.id }),
    systemCell(systems, u.systemId), orgno(u.supplierOrgNo), u.externalRef, stateTag(!u.isDeleted),
    !u.isDeleted && canChange() ? removeButton(u, ctx) : '']);
  return table([t('systemusers.title_col'), t('systemusers.system'), t('systemusers.vendor'),
    t('systemusers.external_ref'), t('systemusers.state'), ''], rows, t('systemusers.caption'));
}

// Creating a system user: a system offered to the org, and optionally which
// one of its users for that system (externalRef) and a title.
function createForm(systems, ctx) {
  const offered = systems.filter((s) => !s.isDeleted);
  if (!offered.length) return h('p', { id: 'no-offered' }, t('systemusers.none_offered'));
  const inputs = {
    systemId: h('select', { name: 'systemId', id: 'systemuser-system' }, offered.map((s) =>
      h('option', { value: s.id }, t('systemusers.option', shown(s.name), s.id, vendorOf(s))))),
    externalRef: h('input', { type: 'text', name: 'externalRef', autocomplete: 'off' }),
    integrationTitle: h('input', { type: 'text', name: 'integrationTitle', autocomplete: 'off' }),
  };
  const problem = h('div', { class: 'form-error' });
  const submit = h('button', { class: 'primary', type: 'submit' }, t('systemusers.submit'));
  const form = h('form', { id: 'systemuser-form', novalidate: true },
    field(t('systemusers.system'), inputs.systemId, t('systemusers.system_hint')),
    field(t('systemusers.external_ref'), inputs.externalRef, t('systemusers.external_ref_hint', session().org)),
    field(t('systemusers.title_field'), inputs.integrationTitle, t('systemusers.title_hint')),
    h('div', { class: 'actions' }, submit),
    problem);
  onSubmit(form, submit, inputs, problem, async () => {
    const body = { systemId: inputs.systemId.value };
    const ref = inputs.externalRef.value.trim();
    const title = inputs.integrationTitle.value.trim();
    if (ref) body.externalRef = ref;
    if (title) body.integrationTitle = title;
    const user = await call('POST', '/v1/systemuser', { json: body });
    announce(t('systemusers.created', user.id, user.systemId));
    ctx.render();
  });
  return form;
}

export async function render(_, ctx) {
  const showInactive = sessionStorage.getItem('systems.inactive') === '1';
  const inactive = showInactive ? '?inactive=true' : '';
  let systems;
  let users;
  try {
    [systems, users] = await Promise.all([
      call('GET', `/v1/systemregister${inactive}`),
      call('GET', `/v1/systemuser${inactive}`),
    ]);
  } catch (e) {
    if (e instanceof SessionExpired) throw e;
    return h('section', {}, h('h1', {}, t('systems.title')), errorBox(e));
  }
  const org = session().org;
  const own = systems.filter((s) => vendorOf(s) === org);
  const mine = users.filter((u) => u.partyOrgNo === org);
  const customers = users.filter((u) => u.partyOrgNo !== org && u.supplierOrgNo === org);
  const toggle = h('input', { type: 'checkbox', id: 'show-inactive', checked: showInactive });
  toggle.addEventListener('change', () => {
    sessionStorage.setItem('systems.inactive', toggle.checked ? '1' : '0');
    ctx.render();
  });
  return h('section', {},
    h('h1', {}, t('systems.title')),
    h('p', { class: 'lead' }, t('systems.lead')),
    h('div', { class: 'check' }, toggle, h('label', { for: 'show-inactive' }, t('common.show_inactive'))),
    h('section', { id: 'our-systemusers' }, h('h2', {}, t('systemusers.heading')), ownUsersTable(mine, systems, ctx)),
    canCreate() ? h('section', { id: 'new-systemuser' }, h('h2', {}, t('systemusers.new')),
      h('p', { class: 'muted' }, t('systemusers.new_text')), createForm(systems, ctx)) : null,
    h('section', { id: 'our-systems' }, h('h2', {}, t('systems.heading')), ownSystemsTable(own),
      own.length || customers.length
        ? [h('h3', {}, t('systems.customers')), h('div', { id: 'our-customers' }, customersTable(customers))]
        : null));
}
