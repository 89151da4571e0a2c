#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Replay of oslokommune/okdata-maskinporten-api against `mpctl serve`.

Our own code, written from reading okdata's public source: it sends the requests
okdata's MaskinportenClient and JWTAuthClient send (same methods, URLs, headers and
JSON bodies, serialised by requests' json=) and decodes the answers as okdata does,
with pydantic models. Debian 12's packages only: requests 2.28, PyJWT 2.6,
cryptography 38, pydantic 1.10 (okdata uses pydantic 2; validate() below takes
whichever API exists). The environment is that of tests/clients/README.md.
"""
import base64
import itertools
import json
import os
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from enum import Enum
from typing import List

import jwt
import pydantic
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import (
    Encoding, NoEncryption, PrivateFormat, pkcs12)

ISSUER = os.environ["MPCTL_TEST_ISSUER"]
APP_CLIENT_ID = os.environ["MPCTL_TEST_CLIENT_ID"]
ADMIN_CLIENT_ID = os.environ["MPCTL_TEST_ADMIN_CLIENT_ID"]
P12 = os.environ["MPCTL_TEST_P12"]
P12_PASSWORD = os.environ["MPCTL_TEST_P12_PASSWORD"]
ORG = os.environ["MPCTL_TEST_ORG"]

# okdata's tox.ini values; 90 rather than the server's default year, so that an exp the
# server did not honour (or renewed on a re-post) shows
KEY_DEFAULT_EXPIRATION_DAYS = 90
KEY_UNDER_ROTATION_EXPIRATION_DAYS = 7
KEY_BITS = 2048                         # okdata's keys.py makes 4096-bit keys; 2048 is faster
MAX_KEYS = 5                            # maskinporten_client.py: MaskinportenClient.MAX_KEYS
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"

try:
    from zoneinfo import ZoneInfo
    TZ = ZoneInfo(os.environ.get("TIMEZONE", "Europe/Oslo"))   # okdata's TIMEZONE
except Exception:  # no tzdata: the kid's wall clock is all that changes
    TZ = timezone.utc


class Fail(Exception):
    pass


DONE = ["none"]     # the last step that held, named in a FAIL line


def step(text):
    DONE[0] = text.split(":")[0]
    print(text, flush=True)


def check(cond, what, expected, got):
    if not cond:
        raise Fail(f"{what}: expected {expected}, got {got!r}")


def body_of(resp):
    try:
        return resp.json()
    except ValueError:
        return None


def answer(resp):
    return f"HTTP {resp.status_code} {resp.text[:600]!r}"


# --- models/models.py and jwt_client.py: the answers' models ------------------------
# pydantic 2's `str` refuses numbers where 1.10's coerces them; StrictStr behaves like
# pydantic 2's `str` under both.
Str = pydantic.StrictStr


class Organization(str, Enum):
    dig = "dig"


class AccessToken(pydantic.BaseModel):          # jwt_client.py: AccessToken
    access_token: Str
    token_type: Str
    expires_in: int
    scope: Str


class MaskinportenClientOut(pydantic.BaseModel):  # models.py: MaskinportenClientOut
    client_id: Str
    client_name: Str
    description: Str
    scopes: List[Str]
    created: datetime
    last_updated: datetime
    active: bool
    org: Organization


class ClientKeyMetadata(pydantic.BaseModel):    # models.py: ClientKeyMetadata
    kid: Str
    client_id: Str
    expires: datetime


def validate(model, obj):
    """okdata's Model.model_validate(obj) (pydantic 2), or parse_obj on 1.10."""
    fn = getattr(model, "model_validate", None) or model.parse_obj
    try:
        return fn(obj)
    except pydantic.ValidationError as e:
        raise Fail(f"{model.__name__} does not validate {obj!r}: {e}")


# --- keys.py: create_key -------------------------------------------------------------
_kid_serial = itertools.count(1)


def b64url_uint(n):
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class Key:
    """keys.py: _generate_key and _jwk_from_key (kid made unique with a serial)."""

    def __init__(self, expiration_days):
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
        now = datetime.now(tz=TZ)
        pub = self.private.public_key().public_numbers()
        self.kid = now.strftime("kid-%Y-%m-%d-%H-%M-%S") + f"-{next(_kid_serial)}"
        self.exp = int((now + timedelta(days=expiration_days)).timestamp())
        self.jwk = {"kid": self.kid, "alg": "RS256", "use": "sig",
                    "n": b64url_uint(pub.n), "e": b64url_uint(pub.e), "kty": "RSA",
                    "exp": self.exp}


# --- maskinporten_client.py / jwt_client.py: the admin client ------------------------
class TooManyKeysError(Exception):
    pass


class KeyNotFoundError(Exception):
    pass


class HTTPError(Exception):
    """requests' raise_for_status, as okdata's _request calls it."""

    def __init__(self, resp):
        super().__init__(f"{resp.request.method} {resp.request.path_url}: {answer(resp)}")
        self.response = resp


def jwk_ensure_use_sig(jwk):                      # maskinporten_client.py: _jwk_ensure_use_sig
    return {**jwk, "use": "sig"}


class Admin:
    """MaskinportenClient for org "dig", env "test", with its JWTAuthClient."""

    def __init__(self):
        # MaskinportenClient.__init__: the enterprise certificate from PKCS#12
        with open(P12, "rb") as f:
            self.private_key, self.certificate, _ = pkcs12.load_key_and_certificates(
                f.read(), P12_PASSWORD.encode("utf-8"))
        # JWTAuthClient.__init__: metadata, then the token endpoint's check
        well_known = ISSUER + ".well-known/oauth-authorization-server"
        resp = requests.get(well_known, timeout=15)
        try:
            conf = json.loads(resp.text)
            self.token_endpoint = conf["token_endpoint"]
        except (ValueError, KeyError, TypeError):
            raise Fail(f"metadata {well_known}: {answer(resp)}")
        check(self.token_endpoint.startswith(ISSUER), "token_endpoint",
              f"to start with {ISSUER}", self.token_endpoint)
        self.audience = ISSUER
        self.base_url = ISSUER + "api/v1/clients"

    def grant(self, issuer, scopes):
        """jwt_client.py: JWTGenerator.generate_jwt (x5c = the leaf alone)."""
        x5c = base64.b64encode(self.certificate.public_bytes(Encoding.DER)).decode("utf-8")
        now = datetime.now()
        claims = {"aud": self.audience, "exp": int((now + timedelta(seconds=120)).timestamp()),
                  "iat": int(now.timestamp()), "iss": issuer, "jti": str(uuid.uuid4()),
                  "scope": " ".join(scopes)}
        pem = self.private_key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
        return jwt.encode(claims, pem, algorithm="RS256",
                          headers={"x5c": [x5c], "alg": "RS256"})

    def post_grant(self, assertion):
        """jwt_client.py: JWTAuthClient.get_access_token's POST."""
        return requests.post(self.token_endpoint,
                             data={"grant_type": JWT_BEARER, "assertion": assertion},
                             headers={"Content-Type": "application/x-www-form-urlencoded",
                                      "Accept": "*/*"}, timeout=15)

    def get_access_token(self, scopes):
        resp = self.post_grant(self.grant(ADMIN_CLIENT_ID, scopes))
        if not 200 <= resp.status_code < 300:   # JWTAuthError
            raise Fail(f"admin token for {scopes}: {answer(resp)}")
        return validate(AccessToken, resp.json())

    def _request(self, method, scopes, path="", json=None):
        """maskinporten_client.py: MaskinportenClient._request; a token per call."""
        token = self.get_access_token(scopes)
        resp = requests.request(method, f"{self.base_url}{path}",
                                headers={"Accept": "*/*", "Content-Type": "application/json",
                                         "Authorization": f"Bearer {token.access_token}"},
                                json=json, timeout=15)
        if resp.status_code >= 400:
            raise HTTPError(resp)
        check(resp.status_code == 200, f"{method} {resp.request.path_url} (contract: success)",
              "200", answer(resp))
        return resp

    @staticmethod
    def _slugify(s):
        kept = "".join(c for c in s.lower() if c in "-abcdefghijklmnopqrstuvwxyzæøå0123456789 ")
        return kept.strip(" ").replace(" ", "-")

    def create_maskinporten_client(self, env, team_name, provider, integration, scopes):
        params = {
            "client_name": f"DIG - okdata-{self._slugify(team_name)}-{provider}-"
                           f"{self._slugify(integration)} - {env}",
            "description": f"{provider.capitalize()}-klient for {integration} ({team_name})",
            "scopes": scopes,
            "token_endpoint_auth_method": "private_key_jwt",
            "grant_types": [JWT_BEARER],
            "integration_type": "maskinporten",
            "application_type": "web",
        }
        return self._request("POST", ["idporten:dcr.write"], json=params), params

    def create_idporten_client(self, env, team_name, integration, client_uri, redirect_uris,
                               post_logout_redirect_uris, frontchannel_logout_uri=None):
        params = {
            "application_type": "web",
            "client_name": f"Oslo kommune - {integration[:1].upper()}{integration[1:]}"
                           + (" - test" if env == "test" else ""),
            "client_uri": str(client_uri),
            "description": f"DIG - okdata-{self._slugify(team_name)}-idporten-"
                           f"{self._slugify(integration)} - {env}",
            "code_challenge_method": "S256",
            "frontchannel_logout_session_required": True,
            "frontchannel_logout_uri": str(frontchannel_logout_uri),
            "grant_types": ["authorization_code", "refresh_token"],
            "integration_type": "idporten",
            "post_logout_redirect_uris": [str(u) for u in post_logout_redirect_uris],
            "redirect_uris": [str(u) for u in redirect_uris],
            "refresh_token_usage": "ONETIME",
            "scopes": ["openid", "profile"],
            "sso_disabled": False,
            "token_endpoint_auth_method": "private_key_jwt",
        }
        return self._request("POST", ["idporten:dcr.write"], json=params)

    def get_client(self, client_id):
        return self._request("GET", ["idporten:dcr.read"], f"/{client_id}")

    def get_clients(self):
        return self._request("GET", ["idporten:dcr.read"])

    def delete_client(self, client_id):
        return self._request("DELETE", ["idporten:dcr.write"], f"/{client_id}")

    def get_client_keys(self, client_id):
        return self._request("GET", ["idporten:dcr.read"], f"/{client_id}/jwks")

    def create_client_key(self, client_id, jwk):
        existing = self.get_client_keys(client_id).json().get("keys", [])
        if len(existing) >= MAX_KEYS:
            raise TooManyKeysError(f"{client_id} already has {len(existing)} keys")
        return self._request("POST", ["idporten:dcr.write"], f"/{client_id}/jwks",
                             json={"keys": [jwk, *map(jwk_ensure_use_sig, existing)]})

    def delete_client_key(self, client_id, key_id):
        existing = self.get_client_keys(client_id).json().get("keys", [])
        updated = [jwk_ensure_use_sig(j) for j in existing if j["kid"] != key_id]
        if len(existing) == len(updated):
            raise KeyNotFoundError(f"{key_id} not found for {client_id}")
        if not updated:   # the last key: DELETE rather than POST an empty set
            return self._request("DELETE", ["idporten:dcr.write"], f"/{client_id}/jwks")
        return self._request("POST", ["idporten:dcr.write"], f"/{client_id}/jwks",
                             json={"keys": updated})


# --- the application: tokens with its generated keys ---------------------------------
def app_grant(client_id, key, scope="ext:granted"):
    """The grant an application signs with the key okdata made for it (header kid)."""
    now = int(time.time())
    claims = {"aud": ISSUER, "iss": client_id, "iat": now, "exp": now + 120,
              "jti": str(uuid.uuid4()), "scope": scope}
    return jwt.encode(claims, key.private, algorithm="RS256", headers={"kid": key.kid})


def expect_granted(admin, client_id, assertion, what):
    resp = admin.post_grant(assertion)
    check(resp.status_code == 200, f"token {what}", "200", answer(resp))
    token = validate(AccessToken, resp.json())
    check(token.token_type == "Bearer" and token.scope == "ext:granted", f"token {what}",
          "Bearer, scope ext:granted", resp.json())
    claims = jwt.decode(token.access_token, options={"verify_signature": False})
    check(claims.get("client_id") == client_id, f"token {what}: client_id", client_id, claims)
    return token


def expect_refused(admin, assertion, what):
    resp = admin.post_grant(assertion)
    error = (body_of(resp) or {}).get("error")
    check(resp.status_code == 400 and error == "invalid_grant", f"token {what}",
          "400 invalid_grant", answer(resp))


def keys_of(resp):
    return resp.json().get("keys", [])


def key_by_kid(keys, kid):
    found = [k for k in keys if k.get("kid") == kid]
    check(len(found) == 1, f"key {kid} in the set", "once", keys)
    return found[0]


def key_metadata(client_id, keys):
    """resources/maskinporten.py: list_client_keys."""
    return [ClientKeyMetadata(kid=k["kid"], client_id=client_id,
                              expires=datetime.fromtimestamp(int(k["exp"]), tz=timezone.utc))
            for k in keys]


# --- the flows -----------------------------------------------------------------------
def main():
    # jwt_client.py: JWTAuthClient.__init__ (metadata, token endpoint under the issuer)
    admin = Admin()
    step(f"0 metadata: token_endpoint {admin.token_endpoint} starts with the issuer")

    # 1. resources/maskinporten.py: create_client -> maskinporten_client.py:
    #    create_maskinporten_client; answer read as new_client[...] and validated
    resp, params = admin.create_maskinporten_client("test", "Replay team", "ext", "granted app",
                                                    ["ext:granted"])
    new_client = resp.json()
    cid, scopes = new_client["client_id"], new_client["scopes"]
    out = validate(MaskinportenClientOut, {**new_client, "org": "dig"})
    check(scopes == ["ext:granted"] and out.active and out.client_name == params["client_name"]
          and out.description == params["description"], "created client",
          "the sent name, description, scopes; active", new_client)
    step(f"1 create_maskinporten_client: {cid} '{out.client_name}', scopes {scopes}, "
         f"created {out.created.isoformat()}: MaskinportenClientOut validates")

    # 2. resources/maskinporten.py: list_clients -> get_clients, each item validated
    listed = [validate(MaskinportenClientOut, {**c, "org": "dig"})
              for c in admin.get_clients().json()]
    check(cid in [c.client_id for c in listed], "GET /clients", f"to list {cid}",
          [c.client_id for c in listed])
    step(f"2 get_clients: {len(listed)} clients, each validates; the new one listed")

    # 3. resources/maskinporten.py: create_client_key -> keys.py: create_key,
    #    maskinporten_client.py: create_client_key (answer read with .json())
    k1 = Key(KEY_DEFAULT_EXPIRATION_DAYS)
    posted = admin.create_client_key(cid, k1.jwk).json()
    check(key_by_kid(posted.get("keys", []), k1.kid).get("exp") == k1.exp,
          f"exp of {k1.kid} in the POST answer", k1.exp, posted)
    expect_granted(admin, cid, app_grant(cid, k1), f"with {k1.kid}")
    step(f"3 create_client_key {k1.kid} (exp +{KEY_DEFAULT_EXPIRATION_DAYS}d = {k1.exp}, "
         "echoed): token with it granted")

    # 4. create_client_key again: the first key re-posted as GET returned it
    k2 = Key(KEY_DEFAULT_EXPIRATION_DAYS)
    as_returned = key_by_kid(keys_of(admin.get_client_keys(cid)), k1.kid)
    admin.create_client_key(cid, k2.jwk)
    keys = keys_of(admin.get_client_keys(cid))
    meta = key_metadata(cid, keys)
    check(sorted(m.kid for m in meta) == sorted([k1.kid, k2.kid]), "GET jwks",
          "both keys", keys)
    check(key_by_kid(keys, k1.kid)["exp"] == k1.exp, f"exp of {k1.kid} after re-post",
          k1.exp, keys)
    for k in (k1, k2):
        expect_granted(admin, cid, app_grant(cid, k), f"with {k.kid}")
    step(f"4 create_client_key {k2.kid}, re-posting {k1.kid} with members "
         f"{sorted(set(as_returned) - set(k1.jwk))}: both listed, {k1.kid} exp unchanged, "
         "tokens with both granted")

    # too many keys: maskinporten_client.py create_client_key's TooManyKeysError is
    # client-side; the server must refuse a six-key set itself (on the fixture client)
    extra = [Key(KEY_DEFAULT_EXPIRATION_DAYS) for _ in range(MAX_KEYS)]
    for k in extra:
        admin.create_client_key(APP_CLIENT_ID, k.jwk)
    expect_granted(admin, APP_CLIENT_ID, app_grant(APP_CLIENT_ID, extra[-1]),
                   f"with {extra[-1].kid}")
    sixth = Key(KEY_DEFAULT_EXPIRATION_DAYS)
    try:
        admin.create_client_key(APP_CLIENT_ID, sixth.jwk)
        raise Fail("a sixth key: expected okdata's TooManyKeysError, the POST was sent")
    except TooManyKeysError:
        pass
    existing = keys_of(admin.get_client_keys(APP_CLIENT_ID))
    try:
        resp = admin._request("POST", ["idporten:dcr.write"], f"/{APP_CLIENT_ID}/jwks",
                              json={"keys": [sixth.jwk, *map(jwk_ensure_use_sig, existing)]})
        raise Fail(f"POST of a six-key set: expected 400, got {answer(resp)}")
    except HTTPError as e:
        check(e.response.status_code == 400, "POST of a six-key set", "400", answer(e.response))
        refusal = e.response.text
    check(len(keys_of(admin.get_client_keys(APP_CLIENT_ID))) == MAX_KEYS, "the set after",
          "unchanged, 5 keys", keys_of(admin.get_client_keys(APP_CLIENT_ID)))
    admin._request("DELETE", ["idporten:dcr.write"], f"/{APP_CLIENT_ID}/jwks")
    step(f"4b five keys on {APP_CLIENT_ID}; a sixth: TooManyKeysError before any POST; "
         f"the six-key set POSTed anyway: 400 {refusal[:120]}; set unchanged; cleared")

    # 5. jobs/auto_rotate.py: _rotate_client, then DeleteKey.run -> delete_client_key
    #    for each old key (no grace period here)
    k3 = Key(KEY_UNDER_ROTATION_EXPIRATION_DAYS)
    existing_keys = keys_of(admin.get_client_keys(cid))
    posted = admin.create_client_key(cid, k3.jwk).json()
    check(key_by_kid(posted.get("keys", []), k3.kid).get("exp") == k3.exp,
          f"exp of {k3.kid}", k3.exp, posted)
    expect_granted(admin, cid, app_grant(cid, k3), f"with {k3.kid}")
    step(f"5 rotate: new key {k3.kid} (exp +{KEY_UNDER_ROTATION_EXPIRATION_DAYS}d), "
         f"old {[j['kid'] for j in existing_keys]} scheduled")
    by_kid = {k.kid: k for k in (k1, k2, k3)}
    for kid in [j["kid"] for j in existing_keys]:
        admin.delete_client_key(cid, kid)
        expect_refused(admin, app_grant(cid, by_kid[kid]), f"with removed {kid}")
        expect_granted(admin, cid, app_grant(cid, k3), f"with kept {k3.kid}")
        step(f"5 delete_client_key {kid} (POST of the rest): its token refused "
             f"(invalid_grant), {k3.kid} granted")
    # resources/maskinporten.py: delete_client_key of the last key -> DELETE .../jwks
    resp = admin.delete_client_key(cid, k3.kid)
    check(resp.text.strip() == "", "DELETE jwks body", "empty", answer(resp))
    for k in (k1, k2, k3):
        expect_refused(admin, app_grant(cid, k), f"with removed {k.kid}")
    step(f"5 delete_client_key {k3.kid}, the last: DELETE .../jwks {resp.status_code}, "
         "empty body; every key's token refused")

    # 6. resources/maskinporten.py: list_client_keys on an empty set
    body = admin.get_client_keys(cid).json()
    check(body.get("keys") == [], "GET jwks of no keys", '{"keys": []}', body)
    check(key_metadata(cid, body.get("keys", [])) == [], "ClientKeyMetadata list", [], body)
    step(f'6 list_client_keys: {json.dumps(body)} -> []')

    # 7. resources/maskinporten.py: delete_client (GET client, GET jwks empty, DELETE)
    client = admin.get_client(cid).json()
    check(client.get("client_name") == params["client_name"] and client.get("scopes")
          == ["ext:granted"], "GET client", "its name and scopes", client)
    jwks = keys_of(admin.get_client_keys(cid))
    check(jwks == [], "GET jwks before delete (okdata: else 422)", "[]", jwks)
    # with no keys the client authenticates with the org's enterprise certificate
    expect_granted(admin, cid, admin.grant(cid, ["ext:granted"]), f"x5c for {cid}")
    deleted = admin.delete_client(cid)
    gone = body_of(deleted)
    check(isinstance(gone, dict) and gone.get("client_id") == cid and gone.get("active") is False,
          "DELETE client (contract: answers the deactivated client)",
          f"client_id {cid}, active false", answer(deleted))
    expect_refused(admin, admin.grant(cid, ["ext:granted"]), f"x5c for deleted {cid}")
    ids = [c["client_id"] for c in admin.get_clients().json()]
    check(cid not in ids, "GET /clients after delete", f"no {cid}", ids)
    step(f"7 delete_client {cid}: no keys; DELETE {deleted.status_code}; its grant refused; "
         "no longer listed")

    # 8. maskinporten_client.py: create_idporten_client -> refused, naming the field
    before = len(ids)
    try:
        resp = admin.create_idporten_client(
            "test", "Replay team", "dine skjemaer", "http://localhost:8000/",
            ["http://localhost:8000/auth/callback"], ["http://localhost:8000/"],
            "http://localhost:8000/auth/logout")
        raise Fail(f"create_idporten_client: expected 400, got {answer(resp)}")
    except HTTPError as e:
        resp = e.response
    err = body_of(resp)
    err = err if isinstance(err, dict) else {}
    text = f"{err.get('error', '')} {err.get('error_description', '')}"
    named = [f for f in ("integration_type", "redirect_uris", "post_logout_redirect_uris",
                         "frontchannel_logout_uri", "grant_types") if f in text]
    check(resp.status_code == 400 and named, "create_idporten_client",
          "400 naming integration_type or redirect_uris", answer(resp))
    check(len(admin.get_clients().json()) == before, "GET /clients after", before, "more")
    step(f"8 create_idporten_client: 400 naming {named}: {err.get('error_description')!r}"
         + ("" if "errors" in err else
            " (okdata's DigdirClientErrorResponse reads body['errors'], absent)"))


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # Fail; HTTPError (okdata's raise_for_status); a decoding error
        what = {Fail: "", HTTPError: "unexpected answer "}.get(type(e), type(e).__name__ + ": ")
        print(f"FAIL: {what}{e} (last step that held: {DONE[0]})", flush=True)
        sys.exit(1)
    print("okdata replay: every step held")
