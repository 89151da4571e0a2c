// SPDX-License-Identifier: Apache-2.0
// The server's public facts, for anyone: issuer, metadata, signing keys.
import { call, serverMetadata, serverUrl } from '../api.js';
import { h, table } from '../dom.js';
import { t } from '../text.js';

export async function render() {
  const meta = await serverMetadata();
  const jwks = await call('GET', 'jwk');
  return h('section', {},
    h('h1', {}, t('server.title')),
    h('dl', { class: 'facts' },
      h('dt', {}, t('server.issuer')), h('dd', { class: 'mono', id: 'server-issuer' }, meta.issuer),
      h('dt', {}, t('server.token_endpoint')), h('dd', { class: 'mono' }, meta.token_endpoint),
      h('dt', {}, t('server.metadata')),
      h('dd', {}, h('a', { href: serverUrl('.well-known/oauth-authorization-server') }, '/.well-known/oauth-authorization-server')),
      h('dt', {}, t('server.jwks')), h('dd', {}, h('a', { href: serverUrl('jwk') }, '/jwk'))),
    h('h2', {}, t('server.keys')),
    table([t('keys.kid'), t('keys.alg'), 'kty'],
      (jwks.keys || []).map((k) => [h('span', { class: 'mono' }, k.kid), k.alg, k.kty])));
}
