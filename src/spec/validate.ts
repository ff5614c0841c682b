// Validation of config.json, state.json and the features document against tsrun's own schemas
// (spec-schemas/, compiled to standalone validators by scripts/build-validators.mjs), plus the
// MUSTs a JSON Schema cannot express. Every problem becomes a ConfigIssue: JSON pointer, rule
// in words, spec section.
import { ConfigError, type ConfigIssue } from '../errors.js';
import { checkConfigDepth, checkConfigSize } from './bounds.js';
import { limitIssues } from './limits.js';
import type { Spec, State } from './types.js';
import {
  patternRules,
  specSections,
  validateConfig as schemaConfig,
  validateFeatures as schemaFeatures,
  validateState as schemaState,
  type Features,
  type SchemaError,
  type Validator,
} from './generated/validators.js';

type DocKind = keyof typeof specSections;

// ---------------------------------------------------------------- JSON text

/** Parses config.json text; invalid JSON is a ConfigError at pointer `/` naming line and column. */
export function parseConfigText(text: string, file = 'config.json'): unknown {
  checkConfigSize(Buffer.byteLength(text), file);
  checkConfigDepth(text, file);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const raw = e instanceof Error ? e.message : String(e);
    let offset = jsonErrorOffset(text);
    const m = / in JSON at position (\d+)/.exec(raw);
    if (m) offset = Number(m[1]);
    if (offset < 0) offset = text.length;
    const what = raw
      .replace(/ in JSON at position \d+[\s\S]*$/, '')
      .replace(/, "[\s\S]*" is not valid JSON$/, '')
      .replace(/^Unexpected non-whitespace character after JSON$/, 'Unexpected data after the JSON value');
    const { line, column } = lineColumn(text, offset);
    throw new ConfigError(file, [{ pointer: '/', rule: `invalid JSON: ${what} at line ${line} column ${column}`, section: 'bundle.md' }]);
  }
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Offset of the first syntax error of a JSON text (V8 does not always say), -1 when valid. */
export function jsonErrorOffset(s: string): number {
  let i = 0;
  const fail = (): never => {
    throw new JsonSyntaxAt(i);
  };
  const ws = (): void => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === '\n' || s[i] === '\r')) i++;
  };
  const str = (): void => {
    i++; // opening quote
    for (;;) {
      const c = s.charCodeAt(i);
      if (Number.isNaN(c) || c < 0x20) fail();
      if (c === 0x22) {
        i++;
        return;
      }
      if (c === 0x5c) {
        const n = s[i + 1];
        if (n === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) {
            i += 2;
            fail();
          }
          i += 6;
        } else if (n !== undefined && '"\\/bfnrt'.includes(n)) {
          i += 2;
        } else {
          i++;
          fail();
        }
      } else {
        i++;
      }
    }
  };
  const num = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
  const value = (): void => {
    ws();
    const c = s[i];
    if (c === '{') {
      i++;
      ws();
      if (s[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (s[i] !== '"') fail();
        str();
        ws();
        if (s[i] !== ':') fail();
        i++;
        value();
        ws();
        if (s[i] === ',') {
          i++;
          continue;
        }
        if (s[i] === '}') {
          i++;
          return;
        }
        fail();
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (s[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (s[i] === ',') {
          i++;
          continue;
        }
        if (s[i] === ']') {
          i++;
          return;
        }
        fail();
      }
    }
    if (c === '"') return str();
    for (const lit of ['true', 'false', 'null']) {
      if (s.startsWith(lit, i)) {
        i += lit.length;
        return;
      }
    }
    num.lastIndex = i;
    const m = num.exec(s);
    if (!m) fail();
    else i += m[0].length;
  };
  try {
    value();
    ws();
    if (i < s.length) fail();
    return -1;
  } catch (e) {
    if (e instanceof JsonSyntaxAt) return e.offset;
    throw e;
  }
}

class JsonSyntaxAt {
  constructor(readonly offset: number) {}
}

// ---------------------------------------------------------------- ajv errors -> issues

const escapePointer = (k: string): string => k.replace(/~/g, '~0').replace(/\//g, '~1');

/** The spec section for a JSON pointer: the longest matching instance-path pattern. */
export function sectionFor(kind: DocKind, pointer: string): string {
  const table = specSections[kind];
  const segs = pointer === '' || pointer === '/' ? [] : pointer.split('/').slice(1);
  const patterns = Object.keys(table).map((p) => ({ p, segs: p === '' ? [] : p.split('/').slice(1) }));
  for (let n = segs.length; n >= 0; n--) {
    for (const { p, segs: ps } of patterns) {
      if (ps.length === n && ps.every((s, j) => s === '*' || s === segs[j])) return table[p] ?? '';
    }
  }
  return '';
}

// JSON numbers cannot hold the 64-bit bounds exactly: print them as the spec means them.
function bound(n: unknown): string {
  if (n === 2 ** 64) return '18446744073709551615';
  if (n === 2 ** 63) return '9223372036854775807';
  if (n === -(2 ** 63)) return '-9223372036854775808';
  return String(n);
}

const param = (e: SchemaError, k: string): unknown => e.params[k];

function ruleFor(e: SchemaError): string {
  switch (e.keyword) {
    case 'required':
      return `must have required property '${String(param(e, 'missingProperty'))}'`;
    case 'dependencies':
    case 'dependentRequired':
      return `must be present when property '${String(param(e, 'property'))}' is present`;
    case 'type':
      return `must be ${String(param(e, 'type')).replace(/,/g, ' or ')}`;
    case 'enum': {
      const allowed = param(e, 'allowedValues');
      return `must be one of ${Array.isArray(allowed) ? allowed.map(String).join(', ') : String(allowed)}`;
    }
    case 'const':
      return `must be ${JSON.stringify(param(e, 'allowedValue'))}`;
    case 'pattern': {
      const p = String(param(e, 'pattern'));
      return patternRules[p] ?? `must match pattern ${JSON.stringify(p)}`;
    }
    case 'minItems':
      return param(e, 'limit') === 1 ? 'must not be empty' : `must have at least ${String(param(e, 'limit'))} items`;
    case 'maxItems':
      return `must have at most ${String(param(e, 'limit'))} items`;
    case 'minLength':
      return param(e, 'limit') === 1 ? 'must not be empty' : `must have at least ${String(param(e, 'limit'))} characters`;
    case 'maxLength':
      return `must have at most ${String(param(e, 'limit'))} characters`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `must be ${String(param(e, 'comparison'))} ${bound(param(e, 'limit'))}`;
    case 'additionalProperties':
      return 'is not a known property';
    default:
      return e.message ?? `must satisfy '${e.keyword}'`;
  }
}

function pointerFor(e: SchemaError): string {
  let p = e.instancePath;
  if (e.propertyName !== undefined) p += `/${escapePointer(e.propertyName)}`;
  if (e.keyword === 'required' || e.keyword === 'dependencies' || e.keyword === 'dependentRequired') {
    p += `/${escapePointer(String(param(e, 'missingProperty')))}`;
  } else if (e.keyword === 'additionalProperties') {
    p += `/${escapePointer(String(param(e, 'additionalProperty')))}`;
  }
  return p;
}

const depth = (p: string): number => (p === '' ? 0 : p.split('/').length - 1);

/** Turns ajv's (allErrors) list into issues, keeping the most specific error of each anyOf/oneOf. */
export function issuesFromSchemaErrors(kind: DocKind, errors: readonly SchemaError[]): ConfigIssue[] {
  // Wrappers whose inner errors say more: `if` (the then/else errors follow), `propertyNames`
  // (the inner error carries propertyName).
  let list = errors.filter((e) => e.keyword !== 'if' && e.keyword !== 'propertyNames');
  const out: { pointer: string; rule: string }[] = [];
  for (const alt of list.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')) {
    const prefix = `${alt.schemaPath}/`;
    const subs = list.filter((e) => e.schemaPath.startsWith(prefix) && e.instancePath.startsWith(alt.instancePath));
    list = list.filter((e) => !subs.includes(e) && e !== alt);
    if (alt.keyword === 'oneOf' && subs.length === 0) {
      out.push({ pointer: alt.instancePath, rule: 'must match exactly one alternative (it matches several)' });
      continue;
    }
    if (subs.length > 0 && subs.every((e) => e.keyword === 'required' && e.instancePath === alt.instancePath)) {
      const names = [...new Set(subs.map((e) => `'${String(param(e, 'missingProperty'))}'`))];
      out.push({ pointer: alt.instancePath, rule: `must have at least one of the properties ${names.join(', ')}` });
      continue;
    }
    // The branch that got furthest into the document explains best.
    const branches = new Map<string, SchemaError[]>();
    for (const e of subs) {
      const b = e.schemaPath.slice(prefix.length).split('/')[0] ?? '';
      branches.set(b, [...(branches.get(b) ?? []), e]);
    }
    const score = (es: SchemaError[]): number => Math.max(...es.map((e) => depth(pointerFor(e))));
    const best = [...branches.values()].sort((a, b) => score(b) - score(a) || a.length - b.length)[0] ?? [];
    for (const e of best) out.push({ pointer: pointerFor(e), rule: ruleFor(e) });
  }
  for (const e of list) out.push({ pointer: pointerFor(e), rule: ruleFor(e) });
  const seen = new Set<string>();
  const issues: ConfigIssue[] = [];
  for (const { pointer, rule } of out) {
    const key = `${pointer}\0${rule}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({ pointer: pointer === '' ? '/' : pointer, rule, section: sectionFor(kind, pointer) });
  }
  return issues;
}

function runSchema<T>(kind: DocKind, validator: Validator<T>, doc: unknown): ConfigIssue[] {
  if (validator(doc)) return [];
  return issuesFromSchemaErrors(kind, validator.errors ?? []);
}

// ---------------------------------------------------------------- MUSTs beyond the schema

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function semanticConfigIssues(doc: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (!isObject(doc)) return issues;

  // config-linux.md#namespaces: duplicated namespace types MUST be an error.
  const linux = doc['linux'];
  const namespaces = isObject(linux) ? linux['namespaces'] : undefined;
  if (Array.isArray(namespaces)) {
    const seen = new Set<string>();
    namespaces.forEach((ns: unknown, i) => {
      const type = isObject(ns) ? ns['type'] : undefined;
      if (typeof type !== 'string') return;
      if (seen.has(type)) {
        issues.push({ pointer: `/linux/namespaces/${i}/type`, rule: `duplicate namespace type '${type}'`, section: 'config-linux.md#namespaces' });
      }
      seen.add(type);
    });
  }

  // config.md#posix-process: duplicated rlimit types MUST be an error; soft above hard cannot be set.
  const proc = doc['process'];
  const rlimits = isObject(proc) ? proc['rlimits'] : undefined;
  if (Array.isArray(rlimits)) {
    const seen = new Set<string>();
    rlimits.forEach((rl: unknown, i) => {
      if (!isObject(rl)) return;
      const { type, soft, hard } = rl;
      if (typeof type === 'string') {
        if (seen.has(type)) {
          issues.push({ pointer: `/process/rlimits/${i}/type`, rule: `duplicate rlimit type '${type}'`, section: 'config.md#posix-process' });
        }
        seen.add(type);
      }
      if (typeof soft === 'number' && typeof hard === 'number' && soft > hard) {
        issues.push({
          pointer: `/process/rlimits/${i}/soft`,
          rule: `soft limit ${bound(soft)} must not exceed hard limit ${bound(hard)}`,
          section: 'config.md#posix-process',
        });
      }
    });
  }

  // config-linux.md#cpu: a positive quota MUST be no smaller than burst.
  const resources = isObject(linux) ? linux['resources'] : undefined;
  const cpu = isObject(resources) ? resources['cpu'] : undefined;
  if (isObject(cpu)) {
    const { quota, burst } = cpu;
    if (typeof quota === 'number' && typeof burst === 'number' && quota > 0 && burst > quota) {
      issues.push({
        pointer: '/linux/resources/cpu/burst',
        rule: `must not be larger than quota (${quota})`,
        section: 'config-linux.md#cpu',
      });
    }
  }
  return issues;
}

// ---------------------------------------------------------------- public API

/** Validates a parsed config.json; throws ConfigError listing every issue. */
export function validateConfig(doc: unknown, file = 'config.json'): asserts doc is Spec {
  const limits = limitIssues(doc).map((i) => ({ ...i, section: i.section || sectionFor('config', i.pointer) }));
  const issues = [...runSchema('config', schemaConfig, doc), ...semanticConfigIssues(doc), ...limits];
  if (issues.length > 0) throw new ConfigError(file, issues);
}

/** Validates a state document (runtime.md#state); throws ConfigError. */
export function validateState(doc: unknown, file = 'state.json'): asserts doc is State {
  const issues = runSchema('state', schemaState, doc);
  if (issues.length > 0) throw new ConfigError(file, issues);
}

/** Validates a features document (features.md); throws ConfigError. */
export function validateFeatures(doc: unknown, file = 'features.json'): asserts doc is Features {
  const issues = runSchema('features', schemaFeatures, doc);
  if (issues.length === 0 && isObject(doc)) {
    const min = doc['ociVersionMin'];
    const max = doc['ociVersionMax'];
    if (typeof min === 'string' && typeof max === 'string' && compareSemver(max, min) < 0) {
      issues.push({ pointer: '/ociVersionMax', rule: `must not be less than ociVersionMin (${min})`, section: 'features.md#specification-version' });
    }
  }
  if (issues.length > 0) throw new ConfigError(file, issues);
}

/** SemVer 2.0 precedence (build metadata ignored); both arguments already match the schema. */
export function compareSemver(a: string, b: string): number {
  const split = (v: string): { core: number[]; pre: string[] } => {
    const noBuild = v.split('+')[0] ?? '';
    const dash = noBuild.indexOf('-');
    const core = (dash < 0 ? noBuild : noBuild.slice(0, dash)).split('.').map(Number);
    return { core, pre: dash < 0 ? [] : noBuild.slice(dash + 1).split('.') };
  };
  const x = split(a);
  const y = split(b);
  for (let i = 0; i < 3; i++) {
    const d = (x.core[i] ?? 0) - (y.core[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  if (x.pre.length === 0 || y.pre.length === 0) return x.pre.length === y.pre.length ? 0 : x.pre.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.max(x.pre.length, y.pre.length); i++) {
    const p = x.pre[i];
    const q = y.pre[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    const pn = /^[0-9]+$/.test(p);
    const qn = /^[0-9]+$/.test(q);
    if (pn && qn && Number(p) !== Number(q)) return Math.sign(Number(p) - Number(q));
    if (pn !== qn) return pn ? -1 : 1;
    if (p !== q) return p < q ? -1 : 1;
  }
  return 0;
}

/** Deprecated-but-allowed things in a (valid) config, as log lines. */
export function warningsForConfig(doc: unknown): string[] {
  const warnings: string[] = [];
  if (!isObject(doc)) return warnings;
  const mounts = doc['mounts'];
  if (Array.isArray(mounts)) {
    mounts.forEach((m: unknown, i) => {
      const dest = isObject(m) ? m['destination'] : undefined;
      if (typeof dest === 'string' && !dest.startsWith('/')) {
        warnings.push(`mounts/${i}/destination: relative path ${JSON.stringify(dest)} is deprecated, taken relative to / (config.md#mounts)`);
      }
    });
  }
  const hooks = doc['hooks'];
  if (isObject(hooks) && Array.isArray(hooks['prestart']) && hooks['prestart'].length > 0) {
    warnings.push('hooks/prestart: prestart hooks are deprecated, use createRuntime, createContainer or startContainer hooks (config.md#prestart)');
  }
  const linux = doc['linux'];
  const resources = isObject(linux) ? linux['resources'] : undefined;
  const memory = isObject(resources) ? resources['memory'] : undefined;
  if (isObject(memory)) {
    for (const k of ['kernel', 'kernelTCP']) {
      if (memory[k] !== undefined) warnings.push(`linux/resources/memory/${k}: NOT RECOMMENDED by the spec (config-linux.md#memory)`);
    }
  }
  return warnings;
}
