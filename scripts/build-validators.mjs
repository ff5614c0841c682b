// Compiles spec-schemas/*.schema.json into standalone ajv validators (ESM) at
// src/spec/generated/validators.js, so the runtime validates config.json without compiling
// schemas (or loading ajv's compiler) at run time. Also emits, from the schemas' `x-spec` and
// `x-pattern-rule` annotations:
//   specSections: per document, a map from instance-path pattern ('*' = any array index or map
//     key) to the spec section defining it, e.g. '/linux/namespaces' -> 'config-linux.md#namespaces'.
//     Keyed by instance path rather than ajv's schemaPath: across $ref'd files ajv reports
//     schemaPath relative to the referenced file, which is ambiguous.
//   patternRules: a map from a schema `pattern` to the human readable rule it stands for.
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schemaDir = join(root, 'spec-schemas');
const outDir = join(root, 'src', 'spec', 'generated');

const schemas = readdirSync(schemaDir)
  .filter((f) => f.endsWith('.schema.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(schemaDir, f), 'utf8')));
const byId = new Map(schemas.map((s) => [s.$id, s]));
const idOf = (file) => {
  const s = schemas.find((x) => x.$id.endsWith(`/${file}`));
  if (!s) throw new Error(`spec-schemas/${file} is missing`);
  return s.$id;
};

const ajv = new Ajv({
  allErrors: true,
  strict: true,
  strictTypes: 'log',
  strictRequired: false,
  code: { source: true, esm: true, optimize: true },
  schemas,
});
ajv.addVocabulary(['x-spec', 'x-pattern-rule']);

const exportsMap = {
  validateConfig: idOf('config.schema.json'),
  validateState: idOf('state.schema.json'),
  validateFeatures: idOf('features.schema.json'),
};
let code = standaloneCode(ajv, exportsMap);

// ajv's ESM output still pulls its runtime helpers with require(): turn them into imports (with
// the .js extension Node's ESM resolver needs; esbuild bundles them).
const helpers = new Map();
code = code.replace(/require\("(ajv\/dist\/runtime\/[a-z0-9_]+)(?:\.js)?"\)/gi, (_, mod) => {
  if (!helpers.has(mod)) helpers.set(mod, `__ajvRuntime${helpers.size}`);
  return helpers.get(mod);
});
if (/\brequire\(/.test(code)) throw new Error('generated validators still call require()');

// ajv keeps a whole schema (config's: ~15 KB of JSON) as an object literal where a keyword needs
// a value of it at run time (a long `enum`); creating those literals took ~1.9 M instructions of
// every create (callgrind). Each such const that is only read through member paths gives way to
// the values read: one small const per path.
function jsonEnd(text, start) {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      if (--depth === 0) return i + 1;
    }
  }
  throw new Error('unterminated schema literal in the generated validators');
}
for (const [decl, name] of [...code.matchAll(/const (schema\d+) = /g)]) {
  const at = code.indexOf(decl);
  const end = jsonEnd(code, at + decl.length);
  const schema = JSON.parse(code.slice(at + decl.length, end));
  const rest = code.slice(0, at) + code.slice(end + 1);
  const uses = [...rest.matchAll(new RegExp(`\\b${name}\\b(\\.[A-Za-z_$][\\w$]*)*`, 'g'))];
  if (uses.some((u) => !u[1])) continue; // read whole (or by a computed key): kept
  const paths = [...new Set(uses.map((u) => u[0].slice(name.length + 1)))];
  const consts = paths.map((path, i) => `const ${name}_${i} = ${JSON.stringify(path.split('.').reduce((v, k) => v[k], schema))};`);
  code = code.slice(0, at) + consts.join('') + code.slice(end + 1);
  // The whole path only: (?!...) keeps a shorter path from matching the start of a longer one.
  paths.forEach((path, i) => {
    code = code.replace(new RegExp(`\\b${name}\\.${path.replace(/[.$]/g, '\\$&')}(?![\\w$.])`, 'g'), `${name}_${i}`);
  });
  if (new RegExp(`\\b${name}\\b`).test(code)) throw new Error(`${name}: a read of it is left after hoisting its values`);
}
// A CommonJS module's exports look different through Node's ESM loader, vitest and esbuild:
// unwrap `default` until the helper function itself is reached.
const imports = [
  'function __ajvUnwrap(m) { while (m && typeof m !== "function" && "default" in m) m = m.default; return { default: m }; }',
  ...[...helpers].map(([mod, name]) => `import * as ${name}ns from "${mod}.js";\nconst ${name} = __ajvUnwrap(${name}ns);`),
].join('\n');

// --- section and rule maps from the annotations ---
function resolveRef(ref, baseId) {
  const url = new URL(ref, baseId);
  const pointer = decodeURIComponent(url.hash.replace(/^#/, ''));
  url.hash = '';
  const doc = byId.get(url.href);
  if (!doc) throw new Error(`unresolved $ref ${ref} from ${baseId}`);
  let node = doc;
  for (const seg of pointer.split('/').slice(1)) {
    node = node[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (node === undefined) throw new Error(`unresolved $ref ${ref} from ${baseId}`);
  }
  return { node, baseId: url.href };
}

const esc = (k) => k.replace(/~/g, '~0').replace(/\//g, '~1');

function walk(node, baseId, pattern, out, depth = 0) {
  if (typeof node !== 'object' || node === null || depth > 64) return;
  // The referring node's annotation wins over the root annotation of a $ref'd file.
  if (typeof node['x-spec'] === 'string' && !(pattern in out)) out[pattern] = node['x-spec'];
  if (typeof node.$ref === 'string') {
    const r = resolveRef(node.$ref, baseId);
    walk(r.node, r.baseId, pattern, out, depth + 1);
  }
  for (const [k, v] of Object.entries(node.properties ?? {})) walk(v, baseId, `${pattern}/${esc(k)}`, out, depth + 1);
  if (typeof node.items === 'object') walk(node.items, baseId, `${pattern}/*`, out, depth + 1);
  if (typeof node.additionalProperties === 'object') walk(node.additionalProperties, baseId, `${pattern}/*`, out, depth + 1);
  for (const kw of ['allOf', 'anyOf', 'oneOf']) for (const sub of node[kw] ?? []) walk(sub, baseId, pattern, out, depth + 1);
  for (const kw of ['if', 'then', 'else']) walk(node[kw], baseId, pattern, out, depth + 1);
}

const specSections = {};
for (const [name, id] of Object.entries(exportsMap)) {
  const out = {};
  walk(byId.get(id), id, '', out);
  specSections[name.replace(/^validate/, '').toLowerCase()] = out;
}

const patternRules = {};
(function collect(node) {
  if (Array.isArray(node)) return node.forEach(collect);
  if (typeof node !== 'object' || node === null) return;
  if (typeof node.pattern === 'string' && typeof node['x-pattern-rule'] === 'string') {
    patternRules[node.pattern] = node['x-pattern-rule'];
  }
  Object.values(node).forEach(collect);
})(schemas);

mkdirSync(outDir, { recursive: true });
writeFileSync(
  join(outDir, 'validators.js'),
  [
    '// Generated by scripts/build-validators.mjs from spec-schemas/. Do not edit.',
    '/* eslint-disable */',
    imports,
    code,
    `export const specSections = ${JSON.stringify(specSections, null, 2)};`,
    `export const patternRules = ${JSON.stringify(patternRules, null, 2)};`,
    '',
  ].join('\n'),
);

writeFileSync(
  join(outDir, 'validators.d.ts'),
  `// Generated by scripts/build-validators.mjs. Do not edit.
import type { Spec, State } from '../types.js';

/** One ajv error, as the standalone validators report it (allErrors: true). */
export interface SchemaError {
  keyword: string;
  instancePath: string;
  schemaPath: string;
  params: Record<string, unknown>;
  propertyName?: string;
  message?: string;
}

export interface Validator<T> {
  (data: unknown): data is T;
  errors?: SchemaError[] | null;
}

/** The features document (features.md); only the version fields are typed here. */
export interface Features {
  ociVersionMin: string;
  ociVersionMax: string;
  [key: string]: unknown;
}

export declare const validateConfig: Validator<Spec>;
export declare const validateState: Validator<State>;
export declare const validateFeatures: Validator<Features>;

/** Per document: instance-path pattern ('*' = any index or key) -> spec section. */
export declare const specSections: {
  readonly config: Readonly<Record<string, string>>;
  readonly state: Readonly<Record<string, string>>;
  readonly features: Readonly<Record<string, string>>;
};
/** Schema \`pattern\` -> the rule it expresses, in words. */
export declare const patternRules: Readonly<Record<string, string>>;
`,
);
console.log(`build-validators: ${Object.keys(exportsMap).length} validators -> ${join('src', 'spec', 'generated', 'validators.js')}`);
