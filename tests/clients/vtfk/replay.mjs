// SPDX-License-Identifier: Apache-2.0
// Replay of the npm library @vtfk/maskinporten-auth 2.0.5 (MIT) against `mpctl serve`.
// The library itself signs the grants (jsonwebtoken, RS256, x5c) and posts them (axios):
// through its PFX path (node-forge reads the PKCS#12 and writes the certificate as CRLF PEM,
// so the x5c entry carries "\r" characters) and through its PEM path (base64 of the leaf
// PEM and of the PKCS#8 key). Run as `node replay.mjs` with the environment of
// tests/cli/test_clients.py (see tests/clients/README.md).
import { createRequire } from 'node:module'
import { readFileSync } from 'node:fs'
import { randomUUID } from 'node:crypto'

const require = createRequire(import.meta.url)
const maskinportenToken = require('@vtfk/maskinporten-auth')
const { generateMaskinportenGrant, getMaskinportenToken } = require('@vtfk/maskinporten-auth/lib/maskinporten-auth')

function fail (what) {
  console.log(`FAIL: ${what}`)
  process.exit(1)
}
setTimeout(() => fail('replay took longer than 50 s'), 50_000).unref()
// Only the loopback server is reached: keep axios off any proxy the environment names.
for (const k of ['http_proxy', 'https_proxy', 'all_proxy']) { delete process.env[k]; delete process.env[k.toUpperCase()] }

const env = name => process.env[name] || fail(`environment variable ${name} is not set`)
const ISSUER = env('MPCTL_TEST_ISSUER')
const ORG = env('MPCTL_TEST_ORG')
const CLIENT_ID = env('MPCTL_TEST_CLIENT_ID')
const P12_PASSWORD = env('MPCTL_TEST_P12_PASSWORD')
const p12 = readFileSync(env('MPCTL_TEST_P12'))
const chainPem = readFileSync(env('MPCTL_TEST_CERT'), 'utf8')
const keyPem = readFileSync(env('MPCTL_TEST_KEY'), 'utf8')
const leafPem = (chainPem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/) || fail('no certificate in MPCTL_TEST_CERT'))[0]
const leafDer = leafPem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '')

const url = `${ISSUER}token`
const issuerNoSlash = ISSUER.replace(/\/$/, '')
const b64 = s => Buffer.from(s).toString('base64')
const pfxOptions = (audience, extra = {}) => ({ url, pfxcert: p12.toString('base64'), privateKeyPassphrase: P12_PASSWORD, audience, issuer: CLIENT_ID, scope: 'ext:granted', ...extra })
const pemOptions = (audience, extra = {}) => ({ url, pemcert: b64(leafPem), pemprivateKey: b64(keyPem), audience, issuer: CLIENT_ID, scope: 'ext:granted', ...extra })

const decodePart = (jwt, i) => JSON.parse(Buffer.from(String(jwt).split('.')[i] ?? '', 'base64url').toString())
const answer = err => err?.response ? `HTTP ${err.response.status} ${JSON.stringify(err.response.data)}` : String(err?.stack || err)
const check = (cond, what, got) => { if (!cond) fail(`${what}; got ${typeof got === 'string' ? got : JSON.stringify(got)}`) }

// Calls the library; an axios rejection becomes a FAIL line with the server's status and body.
async function token (what, call) {
  try { return await call() } catch (err) { fail(`${what}: expected 200 with a token, got ${answer(err)}`) }
}

// The token answer as axios hands it over (already parsed JSON), and the access token's payload.
function checkToken (what, data, scope) {
  check(data && typeof data === 'object', `${what}: answer is a JSON object`, data)
  check(typeof data.access_token === 'string' && data.access_token.split('.').length === 3, `${what}: access_token is a JWT`, data)
  check(data.token_type === 'Bearer', `${what}: token_type "Bearer"`, data)
  check(typeof data.expires_in === 'number' && data.expires_in > 0, `${what}: expires_in a positive number`, data)
  check(data.scope === scope, `${what}: scope "${scope}"`, data)
  const at = decodePart(data.access_token, 1)
  check(at.consumer?.ID === `0192:${ORG}`, `${what}: access token consumer.ID "0192:${ORG}"`, at)
  check(at.consumer?.authority === 'iso6523-actorid-upis', `${what}: consumer.authority "iso6523-actorid-upis"`, at)
  check(at.client_id === CLIENT_ID, `${what}: access token client_id ${CLIENT_ID}`, at)
  check(at.scope === scope, `${what}: access token scope "${scope}"`, at)
  check(at.client_amr === 'virksomhetssertifikat', `${what}: client_amr "virksomhetssertifikat"`, at)
  return at
}

// The grant the library signs: RS256, one x5c entry (the leaf), aud as given, iss = client id.
function checkGrant (what, jwt, audience, wantCR) {
  const h = decodePart(jwt, 0); const p = decodePart(jwt, 1)
  check(h.alg === 'RS256' && Array.isArray(h.x5c) && h.x5c.length === 1, `${what}: header alg RS256 with one x5c entry`, h)
  const x5c = h.x5c[0]
  check(x5c.includes('\r') === wantCR, `${what}: x5c entry ${wantCR ? 'contains' : 'has no'} "\\r"`, JSON.stringify(x5c.slice(0, 80)))
  check(x5c.replace(/\s/g, '') === leafDer, `${what}: x5c entry is the leaf certificate`, x5c.slice(0, 60))
  check(p.aud === audience && p.iss === CLIENT_ID && p.scope === 'ext:granted' && p.jti, `${what}: aud "${audience}", iss, scope, jti`, p)
  return (x5c.match(/\r/g) || []).length
}

// A refusal through the library: axios rejects, error.response carries the status and parsed body.
async function refused (what, call, status, error) {
  let data
  try { data = await call() } catch (err) {
    if (!err?.response) fail(`${what}: expected HTTP ${status} ${error}, got ${answer(err)}`)
    check(err.response.status === status && err.response.data?.error === error,
      `${what}: expected HTTP ${status} {"error":"${error}"}`, answer(err))
    return err.response.data
  }
  fail(`${what}: expected HTTP ${status} ${error}, got 200 ${JSON.stringify(data)}`)
}

// 1 and 2: the PFX path, audience without and with the issuer's trailing slash.
for (const [n, audience] of [[1, issuerNoSlash], [2, ISSUER]]) {
  const what = `${n}. PFX, aud ${JSON.stringify(audience)}`
  const crs = checkGrant(`${what} grant`, generateMaskinportenGrant(pfxOptions(audience)), audience, true)
  console.log(`${what}: generateMaskinportenGrant: RS256, x5c = the leaf as node-forge's CRLF PEM (${crs} "\\r"), aud as given`)
  const data = await token(what, () => maskinportenToken(pfxOptions(audience)))
  const at = checkToken(what, data, 'ext:granted')
  console.log(`${what}: token Bearer, expires_in ${data.expires_in}, scope ${data.scope}; consumer ${at.consumer.ID}, client_amr ${at.client_amr}`)
}

// 3: the PEM path (leaf PEM alone: the library strips only the BEGIN/END lines and "\n").
{
  const what = `3. PEM, aud ${JSON.stringify(ISSUER)}`
  checkGrant(`${what} grant`, generateMaskinportenGrant(pemOptions(ISSUER)), ISSUER, false)
  const data = await token(what, () => maskinportenToken(pemOptions(ISSUER)))
  const at = checkToken(what, data, 'ext:granted')
  console.log(`${what}: grant x5c = the leaf without "\\r"; token Bearer, expires_in ${data.expires_in}, scope ${data.scope}; consumer ${at.consumer.ID}, client_amr ${at.client_amr}`)
}

// 4: refusals, read from error.response as axios gives them.
{
  const what = '4a. PFX, scope ext:notgranted'
  const d = await refused(what, () => maskinportenToken(pfxOptions(ISSUER, { scope: 'ext:notgranted' })), 400, 'invalid_scope')
  console.log(`${what}: HTTP 400 invalid_scope (${d.error_description})`)
}
{
  const what = '4b. PEM, the same grant twice'
  const jwt = generateMaskinportenGrant(pemOptions(ISSUER))
  checkToken(`${what} (first)`, await token(`${what} (first)`, () => getMaskinportenToken({ url, jwt })), 'ext:granted')
  const d = await refused(`${what} (second)`, () => getMaskinportenToken({ url, jwt }), 400, 'invalid_grant')
  console.log(`${what}: first a token, second HTTP 400 invalid_grant (${d.error_description})`)
}
{
  const what = '4c. PFX, a client id that does not exist'
  const d = await refused(what, () => maskinportenToken(pfxOptions(ISSUER, { issuer: randomUUID() })), 400, 'invalid_grant')
  console.log(`${what}: HTTP 400 invalid_grant (${d.error_description})`)
}
console.log('vtfk replay: all steps held')
