// SPDX-License-Identifier: Apache-2.0
// Replay of nais/digdirator (MIT) against `mpctl serve`: the requests its Maskinporten
// reconciler sends for one MaskinportenClient resource, from start-up to finalization.
// Our own code, written from digdirator's source: the types carry the json tags and Go types
// of its pkg/digdir/types/types.go, so the bodies are what digdirator marshals and every
// answer is decoded as its json.Unmarshal reads it. Standard library only (Go 1.19): the
// grants are signed here with crypto/rsa. Run as `go run replay.go` with the environment of
// tests/cli/test_clients.py (see tests/clients/README.md).
package main

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"
)

// ---- digdirator's types (pkg/digdir/types/types.go, pkg/crypto/jwks.go, digdir/auth.go) ----

type ClientRegistration struct {
	AccessTokenLifetime               int      `json:"access_token_lifetime"`
	ApplicationType                   string   `json:"application_type"`
	AuthorizationLifeTime             int      `json:"authorization_lifetime"`
	ClientID                          string   `json:"client_id,omitempty"`
	ClientName                        string   `json:"client_name"`
	ClientOrgno                       string   `json:"client_orgno,omitempty"`
	ClientURI                         string   `json:"client_uri,omitempty"`
	Description                       string   `json:"description"`
	FrontchannelLogoutSessionRequired bool     `json:"frontchannel_logout_session_required"`
	FrontchannelLogoutURI             string   `json:"frontchannel_logout_uri,omitempty"`
	GrantTypes                        []string `json:"grant_types"`
	IntegrationType                   string   `json:"integration_type"`
	PostLogoutRedirectURIs            []string `json:"post_logout_redirect_uris"`
	RedirectURIs                      []string `json:"redirect_uris"`
	RefreshTokenLifetime              int      `json:"refresh_token_lifetime,omitempty"` // omitzero there: the same for an int
	RefreshTokenUsage                 string   `json:"refresh_token_usage"`
	Scopes                            []string `json:"scopes"`
	SSODisabled                       bool     `json:"sso_disabled"`
	TokenEndpointAuthMethod           string   `json:"token_endpoint_auth_method"`
}

type DigdirJwk struct {
	KeyID  string `json:"kid"`
	Expiry int64  `json:"exp"`
}
type DigdirJwkSet struct {
	Keys []DigdirJwk `json:"keys"`
}

func (d DigdirJwkSet) KeyIDs() []string {
	ids := make([]string, 0)
	for _, k := range d.Keys {
		ids = append(ids, k.KeyID)
	}
	return ids
}

type JwksResponse struct {
	Created     string `json:"created"`
	LastUpdated string `json:"last_updated"`
	DigdirJwkSet
}

type Scope struct { // an entry of GET /scopes/access/all
	ConsumerOrgNo string `json:"consumer_orgno"`
	OwnerOrgNo    string `json:"owner_orgno"`
	Scope         string `json:"scope"`
	State         string `json:"state"`
}

type ScopeRegistration struct {
	AccessibleForAll           bool     `json:"accessible_for_all"`
	Active                     bool     `json:"active"`
	AllowedIntegrationType     []string `json:"allowed_integration_types"`
	AtMaxAge                   int      `json:"at_max_age"`
	AuthorizationMaxLifetime   int      `json:"authorization_max_lifetime,omitempty"`
	DelegationSource           string   `json:"delegation_source,omitempty"`
	Description                string   `json:"description"`
	LongDescription            string   `json:"long_description,omitempty"`
	Name                       string   `json:"name"`
	OwnerOrgno                 string   `json:"owner_orgno,omitempty"`
	Prefix                     string   `json:"prefix"`
	RequiresPseudonymousTokens bool     `json:"requires_pseudonymous_tokens"`
	RequiresUserAuthentication bool     `json:"requires_user_authentication"`
	RequiresUserConsent        bool     `json:"requires_user_consent"`
	Subscope                   string   `json:"subscope"`
	TokenType                  string   `json:"token_type"`
	Visibility                 string   `json:"visibility"`
}

type ConsumerRegistration struct {
	ConsumerOrgno string    `json:"consumer_orgno"`
	Created       time.Time `json:"created"`
	LastUpdated   time.Time `json:"last_updated"`
	OwnerOrgno    string    `json:"owner_orgno"`
	Scope         string    `json:"scope"`
	State         string    `json:"state"`
}

type DelegationSource struct {
	Name   string `json:"name"`
	Issuer string `json:"issuer"`
}

type MetadataOAuth struct { // nais/liberator pkg/oauth
	Issuer        string `json:"issuer"`
	JwksURI       string `json:"jwks_uri"`
	TokenEndpoint string `json:"token_endpoint"`
}

type TokenResponse struct {
	AccessToken string `json:"access_token"`
}

// A public RSA key as go-jose marshals JSONWebKey.Public() (its rawJSONWebKey's field order).
type publicJWK struct {
	Use string `json:"use,omitempty"`
	Kty string `json:"kty,omitempty"`
	Kid string `json:"kid,omitempty"`
	Alg string `json:"alg,omitempty"`
	N   string `json:"n,omitempty"`
	E   string `json:"e,omitempty"`
}
type jsonWebKeySet struct {
	Keys []publicJWK `json:"keys"`
}

// ---- the MaskinportenClient resource (liberator nais.io/v1), its status and secret ----

type exposedScope struct {
	Name, Product    string
	Enabled          bool
	Consumers        []string
	DelegationSource *string
}

type appKey struct { // crypto.GenerateJwk: RSA 2048, kid a uuid, use sig, alg RS256
	kid  string
	priv *rsa.PrivateKey
}

type resource struct {
	Cluster, Namespace, Name, SecretName string
	Consumed                             []string
	Exposed                              []exposedScope
	Rotate                               bool     // annotation digdir.nais.io/rotate
	ClientID, SyncSecretName             string   // status
	KeyIDs                               []string // status
	Secret                               *appKey  // the JWK in the managed secret, used by the pod
}

// liberator kubernetes.UniformResourceName: the client's description.
func (res *resource) urn() string { return res.Cluster + ":" + res.Namespace + ":" + res.Name }

// ---- plumbing ----

type replay struct {
	issuer, tokenEndpoint, apiV1 string
	org, adminID                 string
	adminKey                     *rsa.PrivateKey
	x5c                          []string
	sources                      map[string]DelegationSource
	scopeCache                   map[string]bool              // digdir.scopeCache
	acl                          map[string]map[string]string // last ACL read, scope -> org -> state
	calls                        []string                     // API calls of the current reconcile
}

func fail(format string, a ...interface{}) { fmt.Printf("FAIL: "+format+"\n", a...); os.Exit(1) }
func check(cond bool, format string, a ...interface{}) {
	if !cond {
		fail(format, a...)
	}
}
func env(name string) string {
	v := os.Getenv(name)
	check(v != "", "environment variable %s is not set", name)
	return v
}

func b64(b []byte) string          { return base64.RawURLEncoding.EncodeToString(b) }
func marshal(v interface{}) []byte { b, _ := json.Marshal(v); return b }
func scopeQuery(s string) string   { return "?scope=" + url.QueryEscape(s) }

func uuid() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// signJWT: a compact RS256 JWS. Header and claims are maps, whose keys encoding/json sorts,
// as digdirator's signer marshals its header map and go-jose's builder its claims map.
func signJWT(header, claims map[string]interface{}, key *rsa.PrivateKey) string {
	input := b64(marshal(header)) + "." + b64(marshal(claims))
	digest := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	check(err == nil, "signing: %v", err)
	return input + "." + b64(sig)
}

func send(client *http.Client, req *http.Request) (*http.Response, []byte) {
	resp, err := client.Do(req)
	check(err == nil, "%s %s: %v", req.Method, req.URL, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	check(err == nil, "%s %s: reading: %v", req.Method, req.URL, err)
	return resp, body
}

var apiClient = &http.Client{Timeout: 30 * time.Second} // digdirator's own; start-up uses http.DefaultClient

func (r *replay) tokenRequest(grant string) (int, []byte) { // auth.go authRequest
	form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {grant}}
	req, _ := http.NewRequest(http.MethodPost, r.tokenEndpoint, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, body := send(apiClient, req)
	return resp.StatusCode, body
}

// auth.go getAuthToken: a fresh grant for every API call, signed with the business
// certificate's key (KMS in production; internal/crypto/signer adds typ JWT and x5c).
func (r *replay) adminToken() string {
	now := time.Now().Unix()
	grant := signJWT(map[string]interface{}{"alg": "RS256", "typ": "JWT", "x5c": r.x5c},
		map[string]interface{}{"iss": r.adminID, "aud": []string{r.issuer}, "exp": now + 120,
			"nbf": now, "iat": now, "jti": uuid(),
			"scope": "idporten:dcr.write idporten:dcr.read idporten:scopes.write"}, r.adminKey)
	status, body := r.tokenRequest(grant)
	check(status < 400, "admin token: expected 200, got HTTP %d %s", status, body)
	var tr TokenResponse
	check(json.Unmarshal(body, &tr) == nil && tr.AccessToken != "", "admin token: unreadable answer %s", body)
	return tr.AccessToken
}

// client.go endpoint: config.Admin.ApiV1URL().JoinPath(path...)
func (r *replay) endpoint(path ...string) string {
	u, _ := url.Parse(r.apiV1)
	return u.JoinPath(path...).String()
}

// client.go request, without its retries (it retries every 4xx/5xx five times): bearer token
// and JSON content type on every method, the payload as given (nil or []byte{}).
func (r *replay) raw(method, endpoint string, payload []byte) (int, []byte) {
	req, _ := http.NewRequest(method, endpoint, bytes.NewBuffer(payload))
	req.Header.Add("Authorization", "Bearer "+r.adminToken())
	req.Header.Add("Content-Type", "application/json")
	resp, body := send(apiClient, req)
	call := method + " " + strings.TrimPrefix(req.URL.RequestURI(), "/api/v1")
	r.calls = append(r.calls, call)
	fmt.Printf("    %s -> %d\n", call, resp.StatusCode)
	return resp.StatusCode, body
}

// ... and its json.Unmarshal(body, &unmarshalTarget) when a target is given.
func (r *replay) request(method, endpoint string, payload []byte, target interface{}) {
	status, body := r.raw(method, endpoint, payload)
	check(status < 400, "%s %s: expected 200, got HTTP %d %s", method, endpoint, status, body)
	if target != nil {
		err := json.Unmarshal(body, &target)
		check(err == nil, "%s %s: digdirator cannot decode the answer into %T: %v; body %s", method, endpoint, target, err, body)
	}
}

// expect checks the calls of the last reconcile: pairs of a call prefix and its count.
func (r *replay) expect(step string, pairs ...interface{}) {
	for i := 0; i < len(pairs); i += 2 {
		n := 0
		for _, c := range r.calls {
			if strings.HasPrefix(c, pairs[i].(string)) {
				n++
			}
		}
		check(n == pairs[i+1].(int), "%s: expected %d call(s) %q, got %d; calls %v", step, pairs[i+1], pairs[i], n, r.calls)
	}
}

// ---- digdir/client.go ----

// GetRegistration with clientMatches: by the status' client_id, else by description and
// integration_type (checked here to find the same client).
func (r *replay) getRegistration(res *resource) *ClientRegistration {
	regs := make([]ClientRegistration, 0)
	r.request("GET", r.endpoint("clients"), nil, &regs)
	var found *ClientRegistration
	for i, c := range regs {
		byURN := c.Description == res.urn() && c.IntegrationType == "maskinporten"
		if res.ClientID == "" && byURN || res.ClientID != "" && c.ClientID == res.ClientID {
			check(found == nil, "GET /clients: two clients match %s", res.urn())
			found = &regs[i]
		}
		check(!byURN || res.ClientID == "" || c.ClientID == res.ClientID, "GET /clients: %s describes another client %s", res.urn(), c.ClientID)
	}
	return found
}

func (r *replay) getScopes() []ScopeRegistration { // GetScopes
	s := make([]ScopeRegistration, 0)
	r.request("GET", r.endpoint("scopes")+"?inactive=true", nil, &s)
	return s
}

// RegisterScope (POST), UpdateScope (PUT ?scope=), DeleteScope (DELETE ?scope=, no body).
func (r *replay) scopeWrite(method, name string, payload *ScopeRegistration) *ScopeRegistration {
	reg, ep, body := &ScopeRegistration{}, r.endpoint("scopes"), []byte(nil)
	if name != "" {
		ep += scopeQuery(name)
	}
	if payload != nil {
		body = marshal(*payload)
	}
	r.request(method, ep, body, &reg)
	return reg
}

// AddToScopeACL (PUT, nil body), DeactivateConsumer (DELETE, []byte{} body).
func (r *replay) consumerACL(method, scope, org string, payload []byte, want string) {
	reg := &ConsumerRegistration{}
	r.request(method, r.endpoint("scopes", "access", org)+scopeQuery(scope), payload, reg)
	check(reg.Scope == scope && reg.ConsumerOrgno == org && reg.State == want && !reg.Created.IsZero() && !reg.LastUpdated.IsZero(),
		"%s access to %s for %s: expected state %s, got %+v", method, scope, org, want, *reg)
}

// CanAccessScope: from the cache, else GetAccessibleScopes then GetOpenScopes fill it.
func (r *replay) canAccessScope(name string) bool {
	if v, ok := r.scopeCache[name]; ok {
		return v
	}
	acc := make([]Scope, 0)
	r.request("GET", r.endpoint("scopes", "access", "all"), nil, &acc)
	for _, s := range acc {
		check(s.ConsumerOrgNo == r.org, "/scopes/access/all lists an entry of another consumer: %+v", s)
		r.scopeCache[s.Scope] = s.State == "APPROVED"
	}
	open := make([]ScopeRegistration, 0)
	r.request("GET", r.endpoint("scopes", "all")+"?accessible_for_all=true", nil, &open)
	for _, s := range open {
		r.scopeCache[s.Name] = s.AccessibleForAll
	}
	return r.scopeCache[name]
}

// ---- clients/instance.go toMaskinPortenClientRegistration, toMaskinPortenScopeRegistration ----

func toClientRegistration(res *resource) ClientRegistration {
	return ClientRegistration{AccessTokenLifetime: 3600, ApplicationType: "web", AuthorizationLifeTime: 7200,
		ClientName: "ARBEIDS- OG VELFERDSETATEN", ClientURI: "https://www.nav.no", Description: res.urn(),
		GrantTypes: []string{"urn:ietf:params:oauth:grant-type:jwt-bearer"}, IntegrationType: "maskinporten",
		RefreshTokenUsage: "ONETIME", Scopes: append(make([]string, 0), res.Consumed...),
		TokenEndpointAuthMethod: "private_key_jwt"}
}

func subscope(es exposedScope) string { // scopes.Subscope: "/" as separator when the name has one
	if strings.Contains(es.Name, "/") {
		return es.Product + "/" + es.Name
	}
	return es.Product + ":" + es.Name
}

func (r *replay) toScopeRegistration(res *resource, es exposedScope) ScopeRegistration {
	source := ""
	if es.DelegationSource != nil {
		source = r.sources[*es.DelegationSource].Issuer
	}
	return ScopeRegistration{Active: es.Enabled, AllowedIntegrationType: []string{"maskinporten"}, AtMaxAge: 30,
		DelegationSource: source, Description: fmt.Sprintf("%s - %s:%s:%s", es.Product, res.Cluster, res.Namespace, res.Name),
		Prefix: "nav", Subscope: subscope(es), TokenType: "SELF_CONTAINED", Visibility: "PUBLIC"}
}

// ---- controllers/common/scopes.go ----

type scopeOp struct {
	reg ScopeRegistration
	es  exposedScope
}

func (op scopeOp) name() string { return op.reg.Prefix + ":" + op.reg.Subscope } // Scope.ToString

// filtered with scopes.Generate: the exposed scopes matched to GetScopes' list by subscope.
func (r *replay) filtered(res *resource) (toCreate []exposedScope, toUpdate []scopeOp) {
	bySubscope := map[string]ScopeRegistration{}
	for _, s := range r.getScopes() {
		bySubscope[s.Subscope] = s
	}
	for _, es := range res.Exposed {
		if s, ok := bySubscope[subscope(es)]; ok {
			toUpdate = append(toUpdate, scopeOp{s, es})
		} else {
			toCreate = append(toCreate, es)
		}
	}
	return
}

// Process: createScopes (RegisterScope, updateACL), updateScopes (activate, update or
// deactivate; updateACL when enabled).
func (r *replay) processScopes(res *resource) {
	if len(res.Exposed) == 0 {
		return
	}
	toCreate, toUpdate := r.filtered(res)
	for _, es := range toCreate {
		payload := r.toScopeRegistration(res, es)
		reg := r.scopeWrite("POST", "", &payload)
		check(reg.Name == "nav:"+payload.Subscope && reg.Prefix == "nav" && reg.Subscope == payload.Subscope &&
			reg.Active && reg.DelegationSource == payload.DelegationSource && reg.Description == payload.Description,
			"POST /scopes %s: answer %+v", payload.Subscope, *reg)
		r.updateACL(scopeOp{*reg, es})
	}
	for _, op := range toUpdate {
		if op.es.Enabled {
			payload := r.toScopeRegistration(res, op.es)
			reg := r.scopeWrite("PUT", op.name(), &payload)
			check(reg.Active && reg.Name == op.name(), "PUT /scopes?scope=%s: expected it active, got %+v", op.name(), *reg)
			r.updateACL(op)
		} else {
			reg := r.scopeWrite("DELETE", op.name(), nil)
			check(!reg.Active && reg.Name == op.name(), "DELETE /scopes?scope=%s: expected it inactive, got %+v", op.name(), *reg)
		}
	}
}

// updateACL with Scope.FilterConsumers: add the spec's consumers missing from the ACL,
// re-add those listed DENIED, revoke those the spec dropped unless DENIED. (digdirator walks
// maps, in random order; sorted here.)
func (r *replay) updateACL(op scopeOp) {
	entries := &[]ConsumerRegistration{} // GetScopeACL
	r.request("GET", r.endpoint("scopes", "access")+scopeQuery(op.name()), nil, entries)
	acl := map[string]string{}
	for _, c := range *entries {
		acl[c.ConsumerOrgno] = c.State
	}
	r.acl[op.name()] = acl
	want := map[string]bool{}
	for _, o := range op.es.Consumers {
		want[o] = true
	}
	var add, remove []string
	for _, o := range sortedKeys(want) {
		if _, ok := acl[o]; !ok {
			add = append(add, o)
		}
	}
	for _, o := range sortedKeys(acl) {
		if !want[o] && acl[o] != "DENIED" {
			remove = append(remove, o)
		} else if want[o] && acl[o] == "DENIED" {
			add = append(add, o)
		}
	}
	for _, o := range add {
		r.consumerACL("PUT", op.name(), o, nil, "APPROVED")
	}
	for _, o := range remove {
		r.consumerACL("DELETE", op.name(), o, []byte{}, "DENIED")
	}
}

// ---- controllers/common/reconciler.go ----

// process: createOrUpdateClient, then the key (registerJwk on rotation, else
// ensureJwkValidExternalState with the secret's key); the secret then holds that key.
func (r *replay) reconcile(res *resource) {
	r.calls = nil
	res.ClientID = r.createOrUpdateClient(res).ClientID
	if res.SyncSecretName != res.SecretName || res.Rotate { // clients.NeedsSecretRotation
		key := newAppKey()
		r.registerJwk(res, key)
		res.Secret = key
	} else {
		if res.Secret == nil { // GetPreviousJwkFromSecret: none
			res.Secret = newAppKey()
		}
		r.ensureJwkValid(res)
	}
	res.SyncSecretName, res.Rotate = res.SecretName, false
}

// createOrUpdateClient: GetRegistration, scopes.Process, filterConsumedScopes, then
// Update (PUT /clients/{id}) or Register (POST /clients).
func (r *replay) createOrUpdateClient(res *resource) ClientRegistration {
	existing := r.getRegistration(res)
	payload := toClientRegistration(res)
	r.processScopes(res)
	valid := make([]string, 0)
	for _, s := range res.Consumed {
		if r.canAccessScope(s) {
			valid = append(valid, s)
		}
	}
	check(len(valid) == len(res.Consumed), "CanAccessScope: expected %v all accessible, got %v", res.Consumed, valid)
	payload.Scopes = valid
	answer := &ClientRegistration{}
	if existing != nil {
		check(existing.IntegrationType == "maskinporten", "existing client has integration_type %q", existing.IntegrationType)
		r.request("PUT", r.endpoint("clients", existing.ClientID), marshal(payload), answer)
		check(answer.ClientID == existing.ClientID, "PUT /clients/%s: answer names client_id %q", existing.ClientID, answer.ClientID)
	} else {
		r.request("POST", r.endpoint("clients"), marshal(payload), answer)
		check(answer.ClientID != "", "POST /clients: no client_id in the answer")
	}
	check(strings.Join(answer.Scopes, " ") == strings.Join(valid, " ") && answer.Description == res.urn() &&
		answer.IntegrationType == "maskinporten" && answer.AccessTokenLifetime == 3600 &&
		answer.ClientURI == "https://www.nav.no" && (answer.ClientOrgno == "" || answer.ClientOrgno == r.org),
		"client answer: expected scopes %v, description %s, ...; got %+v", valid, res.urn(), *answer)
	return *answer
}

func newAppKey() *appKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	check(err == nil, "rsa key: %v", err)
	return &appKey{kid: uuid(), priv: k}
}

func (k *appKey) public() publicJWK {
	e := big.NewInt(int64(k.priv.E)).Bytes()
	return publicJWK{Use: "sig", Kty: "RSA", Kid: k.kid, Alg: "RS256", N: b64(k.priv.N.Bytes()), E: b64(e)}
}

// registerJwk: RegisterKeys with crypto.MergeJwks (the new key, then the secret's in use);
// the answer must list exactly those kids, each expiring about a year ahead.
func (r *replay) registerJwk(res *resource, key *appKey) {
	set := jsonWebKeySet{Keys: []publicJWK{key.public()}}
	if res.Secret != nil && res.Secret.kid != key.kid {
		set.Keys = append(set.Keys, res.Secret.public())
	}
	resp := &JwksResponse{}
	r.request("POST", r.endpoint("clients", res.ClientID, "jwks"), marshal(set), resp)
	sent := map[string]bool{}
	for _, k := range set.Keys {
		sent[k.Kid] = true
	}
	res.KeyIDs = resp.KeyIDs()
	for _, k := range resp.Keys {
		left := time.Until(time.Unix(k.Expiry, 0))
		check(sent[k.KeyID] && left > 360*24*time.Hour && left < 367*24*time.Hour, "jwks: key %s (exp %d) not sent or not about a year ahead", k.KeyID, k.Expiry)
	}
	check(len(resp.Keys) == len(sent), "jwks: sent %v, answer lists %v", sortedKeys(sent), res.KeyIDs)
}

// ensureJwkValidExternalState: GetKeys; registerJwk only when the key is missing or expires
// within 30 days.
func (r *replay) ensureJwkValid(res *resource) {
	resp := &JwksResponse{}
	r.request("GET", r.endpoint("clients", res.ClientID, "jwks"), nil, resp)
	for _, k := range resp.Keys {
		if k.KeyID == res.Secret.kid {
			check(time.Until(time.Unix(k.Expiry, 0)) >= 30*24*time.Hour, "GET jwks: key %s expires at %d, within digdirator's 30 days", k.KeyID, k.Expiry)
			return
		}
	}
	r.registerJwk(res, res.Secret)
}

// ---- controllers/common/finalizer.go finalize: Exists, Delete, scopes.Finalize ----

func (r *replay) finalize(res *resource) {
	r.calls = nil
	if r.getRegistration(res) != nil {
		r.request("DELETE", r.endpoint("clients", res.ClientID), nil, nil)
	}
	_, toUpdate := r.filtered(res)
	for _, op := range toUpdate {
		if !op.es.Enabled { // still enabled: skipped
			reg := r.scopeWrite("DELETE", op.name(), nil)
			check(!reg.Active, "DELETE /scopes?scope=%s: expected it inactive, got %+v", op.name(), *reg)
		}
	}
}

// ---- the application pod: a grant signed with the secret's JWK ----

func (r *replay) appGrant(clientID string, key *appKey, scope string) (int, []byte) {
	now := time.Now().Unix()
	return r.tokenRequest(signJWT(map[string]interface{}{"alg": "RS256", "typ": "JWT", "kid": key.kid},
		map[string]interface{}{"iss": clientID, "aud": r.issuer, "scope": scope, "iat": now,
			"exp": now + 120, "jti": uuid()}, key.priv))
}

// token: the grant is granted (200, an access token naming the consumer org, the client and
// the scope) when wantErr is "", else refused with 400 and that error.
func (r *replay) token(what, clientID string, key *appKey, scope, wantErr string) {
	status, body := r.appGrant(clientID, key, scope)
	var tr struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		Scope       string `json:"scope"`
		Error       string `json:"error"`
	}
	err := json.Unmarshal(body, &tr)
	if wantErr != "" {
		check(status == 400 && tr.Error == wantErr, "%s: token for %q expected 400 %s, got HTTP %d %s", what, scope, wantErr, status, body)
		fmt.Printf("  %s: token for %q (kid %s) refused: 400 %s\n", what, scope, key.kid, tr.Error)
		return
	}
	parts := strings.Split(tr.AccessToken, ".")
	check(status == 200 && err == nil && len(parts) == 3 && tr.TokenType == "Bearer", "%s: token for %q expected 200 with a Bearer JWT, got HTTP %d %s", what, scope, status, body)
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	var at struct {
		Consumer struct{ ID string } `json:"consumer"`
		ClientID string              `json:"client_id"`
		Scope    string              `json:"scope"`
	}
	check(err == nil && json.Unmarshal(payload, &at) == nil && at.Consumer.ID == "0192:"+r.org && at.ClientID == clientID &&
		at.Scope == scope && tr.Scope == scope, "%s: access token should name consumer 0192:%s, client %s, scope %q; got %s", what, r.org, clientID, scope, payload)
	fmt.Printf("  %s: token for %q (kid %s) granted, consumer %s\n", what, scope, key.kid, at.Consumer.ID)
}

// The admin signer's material (internal/crypto: x5c from the PEM chain, std base64 DER).
func (r *replay) loadAdmin() {
	chain, err := os.ReadFile(env("MPCTL_TEST_CERT"))
	check(err == nil, "reading MPCTL_TEST_CERT: %v", err)
	for block, rest := pem.Decode(chain); block != nil; block, rest = pem.Decode(rest) {
		if _, err := x509.ParseCertificate(block.Bytes); block.Type == "CERTIFICATE" {
			check(err == nil, "MPCTL_TEST_CERT: %v", err)
			r.x5c = append(r.x5c, base64.StdEncoding.EncodeToString(block.Bytes))
		}
	}
	keyPEM, _ := os.ReadFile(env("MPCTL_TEST_KEY"))
	block, _ := pem.Decode(keyPEM)
	check(block != nil && len(r.x5c) > 0, "MPCTL_TEST_CERT or MPCTL_TEST_KEY holds no PEM")
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	r.adminKey, _ = k.(*rsa.PrivateKey)
	check(err == nil && r.adminKey != nil, "MPCTL_TEST_KEY: not an RSA PKCS#8 key: %v", err)
}

// config.go WithProviderMetadata: liberator's oauth.NewMetadataOAuth (200, Content-Type
// exactly application/json, issuer deriving the well-known URL), then delegationSources
// (http.DefaultClient, no token, status unchecked).
func (r *replay) startUp(issuer string) {
	wellKnown := issuer + ".well-known/oauth-authorization-server"
	req, _ := http.NewRequest("GET", wellKnown, nil)
	resp, body := send(http.DefaultClient, req)
	ct := resp.Header.Get("Content-Type")
	check(resp.StatusCode == 200 && ct == "application/json", "metadata: liberator wants 200 and Content-Type application/json, got HTTP %d %q %s", resp.StatusCode, ct, body)
	var md MetadataOAuth
	check(json.Unmarshal(body, &md) == nil && md.JwksURI != "" && md.TokenEndpoint != "", "metadata: jwks_uri, token_endpoint needed: %s", body)
	iu, err := url.Parse(md.Issuer)
	check(err == nil && md.Issuer != "", "metadata: issuer %q", md.Issuer)
	iu.Path = strings.TrimSuffix(iu.Path, "/") + "/.well-known/oauth-authorization-server"
	check(iu.String() == wellKnown, "metadata: issuer %q does not derive the well-known URL %s", md.Issuer, wellKnown)
	r.issuer, r.tokenEndpoint = md.Issuer, md.TokenEndpoint
	base, _ := url.Parse(issuer) // digdir.admin.base-url = the issuer; Admin.ApiV1URL
	r.apiV1 = base.JoinPath("/api/v1").String()
	fmt.Printf("  metadata: issuer %s, token endpoint %s\n", md.Issuer, md.TokenEndpoint)
	req, _ = http.NewRequest("GET", r.endpoint("delegationsources"), nil)
	resp, body = send(http.DefaultClient, req)
	var sources []DelegationSource
	err = json.Unmarshal(body, &sources)
	check(resp.StatusCode == 200 && err == nil, "GET /delegationsources (no token): expected 200 and a list, got HTTP %d %s", resp.StatusCode, body)
	r.sources = map[string]DelegationSource{}
	for _, s := range sources {
		r.sources[s.Name] = s
	}
	check(r.sources["altinn"].Issuer != "", "/delegationsources has no \"altinn\" with an issuer: %s", body)
	fmt.Printf("  GET /delegationsources -> 200, altinn = %s\n", r.sources["altinn"].Issuer)
}

func main() {
	go func() { time.Sleep(55 * time.Second); fail("replay took longer than 55 s") }()
	consumers := strings.Fields(env("MPCTL_TEST_CONSUMERS"))
	check(len(consumers) >= 2, "MPCTL_TEST_CONSUMERS needs two orgs")
	c1, c2 := consumers[0], consumers[1]
	r := &replay{org: env("MPCTL_TEST_ORG"), adminID: env("MPCTL_TEST_ADMIN_CLIENT_ID"),
		scopeCache: map[string]bool{}, acl: map[string]map[string]string{}}
	r.loadAdmin()

	fmt.Println("step 1: start-up (config.go WithProviderMetadata, delegationSources)")
	r.startUp(env("MPCTL_TEST_ISSUER"))

	altinn := "altinn"
	res := &resource{Cluster: "test", Namespace: "team", Name: "app", SecretName: "maskinporten-app",
		Consumed: []string{"ext:granted", "ext:open"},
		Exposed: []exposedScope{
			{Product: "product", Name: "scope", Enabled: true, Consumers: []string{c1, c2}},
			{Product: "product", Name: "data/read", Enabled: true, Consumers: []string{c1}},
			{Product: "product", Name: "delegated", Enabled: true, DelegationSource: &altinn},
		}}
	scopeA, scopeB := "nav:product:scope", "nav:product/data/read"

	// 2. A new resource: no client matches; 3 scopes created with their consumers; the client
	// registered; no synchronized secret yet, so NeedsSecretRotation: registerJwk.
	fmt.Println("step 2: reconcile a new resource (reconciler.go createOrUpdateClient, registerJwk)")
	r.reconcile(res)
	r.expect("step 2", "POST /scopes", 3, "PUT /scopes/access/", 3, "POST /clients", 2, "GET /scopes/access/all", 1)
	key1 := res.Secret
	fmt.Printf("  client %s registered, keys %v\n", res.ClientID, res.KeyIDs)
	for _, s := range []string{"ext:granted", "ext:open", "ext:granted ext:open"} {
		r.token("step 2", res.ClientID, key1, s, "")
	}

	// 3. Nothing changed (the resync annotation): updateClient, scopes.go update for each,
	// ACL up to date, ensureJwkValidExternalState finds the key; CanAccessScope from its cache.
	fmt.Println("step 3: reconcile unchanged (reconciler.go updateClient, ensureJwkValidExternalState)")
	r.reconcile(res)
	r.expect("step 3", "PUT /scopes?scope=", 3, "PUT /clients/", 1, "GET /clients/", 1, "PUT /scopes/access", 0, "DELETE", 0, "POST", 0,
		"GET /scopes/access/all", 0, "GET /scopes/all", 0)
	r.token("step 3", res.ClientID, key1, "ext:granted", "")

	// 4. The rotate annotation, twice: registerJwk with MergeJwks(new key, the secret's key).
	fmt.Println("step 4: rotate twice (reconciler.go registerJwk, crypto/jwks.go MergeJwks)")
	res.Rotate = true
	r.reconcile(res)
	key2 := res.Secret
	r.expect("step 4", "POST /clients/", 1)
	check(len(res.KeyIDs) == 2, "rotation 1: expected 2 keys, got %v", res.KeyIDs)
	r.token("rotation 1, new key", res.ClientID, key2, "ext:granted", "")
	r.token("rotation 1, previous key", res.ClientID, key1, "ext:granted", "")
	res.Rotate = true
	r.reconcile(res)
	key3 := res.Secret
	r.token("rotation 2, new key", res.ClientID, key3, "ext:granted", "")
	r.token("rotation 2, previous key", res.ClientID, key2, "ext:granted", "")
	r.token("rotation 2, dropped key", res.ClientID, key1, "ext:granted", "invalid_grant")

	// 5. A consumer dropped from an exposed scope: updateACL -> DeactivateConsumer; the next
	// reconcile sees it DENIED and leaves it; listed again: AddToScopeACL re-approves it.
	fmt.Println("step 5: revoke, keep revoked, re-add a consumer (scopes.go updateACL, scope.go FilterConsumers)")
	res.Exposed[0].Consumers = []string{c1}
	r.reconcile(res)
	r.expect("step 5", "DELETE /scopes/access/"+c2, 1, "PUT /scopes/access", 0)
	r.reconcile(res)
	check(r.acl[scopeA][c2] == "DENIED" && r.acl[scopeA][c1] == "APPROVED", "GET /scopes/access?scope=%s: expected %s DENIED, %s APPROVED; got %v", scopeA, c2, c1, r.acl[scopeA])
	fmt.Printf("  ACL of %s: %v\n", scopeA, r.acl[scopeA])
	r.expect("step 5, again", "DELETE", 0, "PUT /scopes/access", 0)
	res.Exposed[0].Consumers = []string{c1, c2}
	r.reconcile(res)
	r.expect("step 5, re-added", "PUT /scopes/access/"+c2, 1, "DELETE", 0)

	// 6. An exposed scope disabled: deactivate (DeleteScope); again on the inactive scope
	// (GET /scopes?inactive=true still lists it, else digdirator would POST it anew); enabled
	// again: activate (UpdateScope with active true), then its ACL.
	fmt.Println("step 6: disable, disable again, enable a scope (scopes.go deactivate, activate)")
	res.Exposed[0].Enabled = false
	r.reconcile(res)
	r.expect("step 6", "DELETE /scopes?scope=", 1)
	r.reconcile(res)
	r.expect("step 6, again", "DELETE /scopes?scope=", 1, "POST /scopes", 0)
	res.Exposed[0].Enabled = true
	r.reconcile(res)
	r.expect("step 6, enabled", "PUT /scopes?scope="+url.QueryEscape(scopeA), 1, "POST /scopes", 0)
	fmt.Printf("  ACL of %s as activate found it: %v\n", scopeA, r.acl[scopeA])

	// 7. Consumed scopes changed: updateClient with the new list.
	fmt.Println("step 7: drop a consumed scope (reconciler.go updateClient)")
	res.Consumed = []string{"ext:granted"}
	r.reconcile(res)
	r.token("step 7", res.ClientID, key3, "ext:open", "invalid_scope")
	r.token("step 7", res.ClientID, key3, "ext:granted", "")

	// 8. The resource deleted with one exposed scope set disabled: finalize.
	fmt.Println("step 8: finalize (finalizer.go finalize, scopes.go Finalize)")
	res.Exposed[1].Enabled = false
	r.finalize(res)
	r.expect("step 8", "DELETE /clients/", 1, "DELETE /scopes?scope="+url.QueryEscape(scopeB), 1, "DELETE /scopes", 1)
	r.calls = nil
	check(r.getRegistration(res) == nil, "GET /clients still lists the deleted client %s", res.ClientID)
	for _, s := range r.getScopes() {
		name := s.Prefix + ":" + s.Subscope
		check(s.Active == (name != scopeB), "after finalize: %s has active=%v", name, s.Active)
	}
	r.token("step 8, deleted client", res.ClientID, key3, "ext:granted", "invalid_grant")

	// 9. Not digdirator's: a misspelt member in its client body is named in a 400.
	fmt.Println("step 9: POST /clients with \"descripton\"")
	typo := bytes.Replace(marshal(toClientRegistration(res)), []byte(`"description"`), []byte(`"descripton"`), 1)
	status, body := r.raw("POST", r.endpoint("clients"), typo)
	check(status == 400 && bytes.Contains(body, []byte("descripton")), "typo: expected 400 naming \"descripton\", got HTTP %d %s", status, body)
	fmt.Printf("  400: %s\n", bytes.TrimSpace(body))
	fmt.Println("OK: digdirator replay passed")
}
