// SPDX-License-Identifier: Apache-2.0
// Judges real requests and answers by an OpenAPI 3.1 document: whether the
// operation exists, whether the answer's status, headers, content type and
// body are the ones documented for it (JSON Schema 2020-12, by ajv), and,
// for a request the server accepted, whether the document would have
// accepted it too: its security, parameters and body. It remembers which
// statuses each operation answered, so that a test can tell what it missed.
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const escape = (s) => s.replaceAll('~', '~0').replaceAll('/', '~1');
const unescape = (s) => s.replaceAll('~1', '/').replaceAll('~0', '~');
const mediaType = (contentType) => contentType.split(';')[0].trim().toLowerCase();
const isJson = (type) => type === 'application/json' || type.endsWith('+json');

export class Checker {
  constructor(doc) {
    this.doc = doc;
    // Strict, so that a misspelt keyword in the document is an error rather
    // than a check that never happens.
    // (An array whose first items are fixed and the rest free, prefixItems
    // without maxItems, is no mistake: strictTuples is off.)
    this.ajv = new Ajv2020({ strict: true, strictTypes: false, strictRequired: false, strictTuples: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addVocabulary(Object.keys(doc));
    this.ajv.addSchema(doc, 'openapi');
    this.operations = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      const names = [];
      const pattern = new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&')
        .replace(/\{([^}]+)\}/g, (_, name) => { names.push(name); return '([^/]+)'; })}$`);
      for (const m of METHODS) {
        if (item[m]) {
          this.operations.push({
            key: `${m.toUpperCase()} ${path}`, method: m.toUpperCase(), path, names, pattern,
            op: item[m], pointer: `/paths/${escape(path)}/${m}`,
          });
        }
      }
    }
    this.seen = new Map(this.operations.map((o) => [o.key, new Set()]));
  }

  // The object at a JSON pointer of the document.
  at(pointer) {
    return pointer.split('/').slice(1).reduce((o, part) => o?.[unescape(part)], this.doc);
  }

  // [object, pointer] with $refs followed.
  resolve(object, pointer) {
    while (object && object.$ref) {
      pointer = object.$ref.slice(1);
      object = this.at(pointer);
    }
    return [object, pointer];
  }

  // Problems of `value` against the schema at `pointer` ([] when it fits).
  validate(pointer, value) {
    const check = this.ajv.getSchema(`openapi#${pointer}`);
    if (!check) {
      return [`no schema at ${pointer}`];
    }
    return check(value) ? [] : check.errors.map((e) => `${e.instancePath || '(root)'} ${e.message}`);
  }

  // The documented path a request path falls under, and its parameters; a
  // literal path wins over a template ("/scopes/access/all" over "{orgno}").
  match(urlPath) {
    let best = null;
    for (const o of this.operations) {
      const m = o.pattern.exec(urlPath);
      if (m && (!best || o.names.length < best.names.length)) {
        best = { path: o.path, names: o.names, params: Object.fromEntries(o.names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) };
      }
    }
    return best;
  }

  methodsOf(path) {
    return this.operations.filter((o) => o.path === path).map((o) => o.method);
  }

  // Checks one exchange. `req`: {method, path, query (URLSearchParams),
  // token ({value, scopes} or null), body (what was sent: an object for
  // JSON, a string otherwise), contentType, schemaRejects (the document's
  // schema must refuse this body, as the server does)}. `res`: {status,
  // headers (get/has by lower-case name), body (text)}. Returns the
  // problems, [] when the exchange is as documented.
  check(req, res) {
    const problems = [];
    const where = `${req.method} ${req.path}${req.query?.size ? `?${req.query}` : ''} -> ${res.status}`;
    const say = (text) => problems.push(`${where}: ${text}`);
    const matched = this.match(req.path);
    if (!matched) {
      say('the document has no such path');
      return problems;
    }
    let operation = this.operations.find((o) => o.path === matched.path && o.method === req.method);
    if (!operation) {
      // A method the path does not take: 405, with the path's documented
      // methods in Allow, judged by the 405 its operations document.
      if (res.status !== 405) {
        say('a method the document does not list for the path must be 405');
        return problems;
      }
      const allow = (res.headers.get('allow') ?? '').split(',').map((m) => m.trim()).sort();
      // HEAD is GET without the body (RFC 9110 9.3.2): a server may take it
      // wherever GET is documented, so a page's Allow may name it too.
      const documented = this.methodsOf(matched.path);
      if (documented.includes('GET') && allow.includes('HEAD') && !documented.includes('HEAD')) {
        documented.push('HEAD');
      }
      documented.sort();
      if (allow.join() !== documented.join()) {
        say(`Allow is "${res.headers.get('allow')}", the document lists ${documented.join(', ')}`);
      }
      const onPath = this.operations.filter((o) => o.path === matched.path);
      onPath.forEach((o) => this.seen.get(o.key).add(405));
      [operation] = onPath;
    } else {
      this.seen.get(operation.key).add(res.status);
    }
    const responsePointer = `${operation.pointer}/responses/${res.status}`;
    const [response, pointer] = this.resolve(this.at(responsePointer), responsePointer);
    if (!response) {
      say(`status ${res.status} is not documented for ${operation.key}: ${res.body}`);
      return problems;
    }
    for (const [name, raw] of Object.entries(response.headers ?? {})) {
      const [header, headerPointer] = this.resolve(raw, `${pointer}/headers/${escape(name)}`);
      const value = res.headers.get(name.toLowerCase());
      if (value === null || value === undefined) {
        if (header.required) {
          say(`header ${name} is missing`);
        }
        continue;
      }
      for (const p of this.validate(`${headerPointer}/schema`, value)) {
        say(`header ${name}: "${value}": ${p}`);
      }
    }
    const contentType = res.headers.get('content-type');
    if (!response.content) {
      if (res.body !== '') {
        say(`no body is documented, but one came: ${res.body.slice(0, 200)}`);
      }
      if (contentType) {
        say(`no body is documented, but a Content-Type came: "${contentType}"`);
      }
    } else if (!contentType) {
      say('no Content-Type');
    } else {
      const keys = Object.keys(response.content);
      const key = keys.find((k) => k === contentType)
        ?? keys.find((k) => !k.includes(';') && k === mediaType(contentType));
      if (!key) {
        say(`Content-Type "${contentType}" is not among the documented ${keys.join(', ')}`);
      } else {
        let body = res.body;
        let parsed = true;
        if (isJson(mediaType(key))) {
          try {
            body = JSON.parse(res.body);
          } catch (e) {
            say(`the body is not JSON: ${e.message}`);
            parsed = false;
          }
        }
        if (parsed) {
          for (const p of this.validate(`${pointer}/content/${escape(key)}/schema`, body)) {
            say(`body: ${p}; body was ${res.body.slice(0, 300)}`);
          }
        }
      }
    }
    if (operation.method === req.method) {
      problems.push(...this.checkRequest(req, res, operation, matched).map((p) => `${where}: ${p}`));
    }
    return problems;
  }

  // What the document says of a request the server answered.
  checkRequest(req, res, operation, matched) {
    const problems = [];
    const accepted = res.status >= 200 && res.status < 300;
    const op = operation.op;
    if (accepted) {
      const security = op.security ?? this.doc.security ?? [];
      const open = security.length === 0 || security.some((r) => Object.keys(r).length === 0);
      if (!open) {
        const scopes = req.token?.scopes;
        if (!scopes) {
          problems.push('the server accepted a request without the token the document requires');
        } else if (!security.some((r) => Object.values(r).every((needed) => needed.every((s) => scopes.includes(s))))) {
          problems.push(`the server accepted a token with ${scopes.join(' ')}, which meets no security requirement of the document`);
        }
      }
      for (const [i, raw] of (op.parameters ?? []).entries()) {
        const [param, paramPointer] = this.resolve(raw, `${operation.pointer}/parameters/${i}`);
        let value = param.in === 'path' ? matched.params[param.name] : req.query?.get(param.name);
        if (value === undefined || value === null) {
          if (param.required) {
            problems.push(`the server accepted the request without the required parameter ${param.name}`);
          }
          continue;
        }
        if (param.schema?.type === 'boolean' && (value === 'true' || value === 'false')) {
          value = value === 'true';
        }
        for (const p of this.validate(`${paramPointer}/schema`, value)) {
          problems.push(`parameter ${param.name} "${value}": ${p}, yet the server accepted it`);
        }
      }
    }
    if (!op.requestBody || req.body === undefined) {
      if (req.schemaRejects) {
        problems.push('schemaRejects needs a body and an operation that takes one');
      }
      return problems;
    }
    const [body, bodyPointer] = this.resolve(op.requestBody, `${operation.pointer}/requestBody`);
    const key = Object.keys(body.content).find((k) => k === mediaType(req.contentType ?? ''));
    if (!key) {
      if (accepted) {
        problems.push(`the server accepted a body of type "${req.contentType}", which the document does not list`);
      }
      if (req.schemaRejects) {
        problems.push('schemaRejects needs a body of a documented type');
      }
      return problems;
    }
    const value = key === 'application/x-www-form-urlencoded'
      ? Object.fromEntries(new URLSearchParams(req.body)) : req.body;
    const found = this.validate(`${bodyPointer}/content/${escape(key)}/schema`, value);
    if (accepted && found.length > 0) {
      problems.push(`the server accepted a body the document refuses: ${found.join('; ')}`);
    }
    if (req.schemaRejects && found.length === 0) {
      problems.push(`the document accepts a body the server refused: ${JSON.stringify(req.body)}`);
    }
    if (req.schemaRejects && accepted) {
      problems.push('schemaRejects is for a body the server refuses');
    }
    return problems;
  }
}
