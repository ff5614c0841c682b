// V8 code caches for the bundles in dist/ (used by scripts/bundle.mjs). The loader,
// dist/tsrun.cjs, compiles each bundle (a CLI, or a leaf a CLI asks for through LEAF) through
// vm.Script with X.cjs.v8cache as cachedData: V8 then deserializes bytecode instead of parsing
// and compiling (~5 ms for the CLI, ~4 ms for the validators, per start).
//
// A cache only holds the functions compiled when it was made, so train-code-cache.mjs first
// runs the commands engines send (no root needed, nothing outside a temporary directory), in
// the node that runs the CLI (its #!): V8 rejects a cache made by another V8 or with other
// flags. A rejected or missing cache only costs the time it was meant to save.
//
// A cache also holds a record of every function its bundle declares, compiled or not, and
// deserializing costs about as much as the cache is large, so the CLI is four bundles, each
// with its cache: tsrun.lean.cjs (LEAN_COMMANDS, src/cli/main-lean.ts), tsrun.create.cjs
// (CREATE_COMMANDS, src/cli/main-create.ts), tsrun.exec.cjs (src/cli/main-exec.ts) and the
// whole CLI, tsrun.code.cjs, for the other commands and for every line a smaller one hands over
// (src/cli/subset.ts).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

// Loaders announce their Script to this hook, when the training process has set it.
export const TRAIN_HOOK = 'tsrun.codeCache';
// exec has a bundle of its own (tsrun.exec.cjs): it runs a fraction of create's code, and
// deserializing create's cache cost it ~5 ms; the create CLI takes an exec all the same.
export const CREATE_COMMANDS = ['create', 'run', 'exec'];
// src/cli/lean.ts's commands (CREATE_COMMANDS: src/cli/create-set.ts's).
export const LEAN_COMMANDS = ['start', 'state', 'kill', 'delete', 'list'];
// The loader's hook through which a smaller CLI runs the whole one (src/cli/subset.ts).
export const WHOLE_CLI = 'tsrun.wholeCli';
// The loader's hook through which a bundle evaluates a leaf (yargs, the validators: bundle.mjs)
// and gets its exports: require() of a loader file of its own went through Node's resolution
// (package.json scope, realpath, the module wrapper), ~1 M instructions of every create.
export const LEAF = 'tsrun.leaf';

/**
 * Wraps dist/<code> in place in Node's CommonJS function wrapper (so the bundle sees what
 * require() would give it), dropping a #! line: its loader compiles the file as it is read,
 * where a wrapper added at each start made a second copy of the source to flatten (create's
 * bundle: 1.2 ms CPU and 0.7 MiB RSS of every start).
 */
export function wrapForLoader(path) {
  // V8 holds a source with one non-ASCII character as a two-byte string, twice the memory and
  // slower to scan (create: 4.3 M instructions, callgrind, for one arrow in a comment). esbuild
  // escapes such characters in code (charset ascii) but not in comments, where an escape is inert.
  const code = readFileSync(path, 'utf8')
    .replace(/^#!.*\n/, '')
    .replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  writeFileSync(path, `(function (exports, require, module, __filename, __dirname) {${code}\n})`);
}

// The loader reads the caches through the addon, which it loads and leaves to
// src/native/index.ts under this symbol: fs.readFileSync of a Buffer compiles ~20 of Node's own
// functions at every start (no code cache of ours can hold them).
export const NATIVE_HOOK = 'tsrun.native';

/** What the loader runs: dist/<code>, compiled with its .v8cache when there is one. */
const RUN_FUNCTION = `function nativeAddon() {
  try {
    let addon = globalThis[Symbol.for('${NATIVE_HOOK}')];
    if (!addon) {
      const module = { exports: {} };
      process.dlopen(module, __dirname + '/../build/Release/tsrun_native.node');
      addon = globalThis[Symbol.for('${NATIVE_HOOK}')] = module.exports;
    }
    return addon;
  } catch {
    return undefined;
  }
}
function compile(code) {
  const file = __dirname + '/' + code;
  const addon = nativeAddon();
  let cachedData;
  try {
    cachedData = addon ? addon.readFile(file + '.v8cache') : readFileSync(file + '.v8cache');
  } catch {}
  // Through the addon the source is an external string: V8 keeps the bytes read, no copy or decoding.
  const source = addon ? addon.readSource(file) : readFileSync(file, 'utf8');
  const script = new Script(source, { filename: file, cachedData });
  // V8 has deserialized the cache: its bytes are freed now, not at exit (~0.5 MiB of peak RSS).
  if (cachedData && addon) addon.releaseBuffer(cachedData);
  globalThis[Symbol.for('${TRAIN_HOOK}')]?.(script, file);
  return [script.runInThisContext(), file];
}
function run(code) {
  const [wrapper, file] = compile(code);
  wrapper(module.exports, require, module, file, __dirname);
}
const leaves = new Map();
globalThis[Symbol.for('${LEAF}')] = (code) => {
  if (!leaves.has(code)) {
    const [wrapper, file] = compile(code);
    const leaf = { exports: {} };
    wrapper(leaf.exports, require, leaf, file, __dirname);
    leaves.set(code, leaf.exports);
  }
  return leaves.get(code);
};`;

/**
 * dist/tsrun.cjs: the create CLI, the lean one or the whole one, chosen from the first word of
 * the command line that names one of their commands; an option's value equal to a command name
 * only costs time (a smaller CLI hands the line over, a cache for another command compiles more).
 */
export function writeCliLoader(loaderPath, { shebang, whole, lean, create, exec }) {
  const source = `${shebang}'use strict';
// Generated by scripts/code-cache.mjs: runs ${exec}, ${create}, ${lean} or ${whole} through its V8 code cache.
const { readFileSync } = require('node:fs');
const { Script } = require('node:vm');
${RUN_FUNCTION}
globalThis[Symbol.for('${WHOLE_CLI}')] = () => run('${whole}');
const command = process.argv.slice(2).find((word) => ${JSON.stringify([...CREATE_COMMANDS, ...LEAN_COMMANDS])}.includes(word));
if (command === 'exec') run('${exec}');
else if (${JSON.stringify(CREATE_COMMANDS)}.includes(command)) run('${create}');
else if (command) run('${lean}');
else run('${whole}');
`;
  writeFileSync(loaderPath, source);
}

/** Trains each set of caches, then checks them, each in a fresh node without NODE_OPTIONS (its V8 flags would be in the caches). */
export function trainCodeCaches() {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  for (const args of [['lean'], ['whole'], ['create'], ['exec'], ['--check', 'lean'], ['--check', 'whole'], ['--check', 'create'], ['--check', 'exec']]) {
    // The CLI's own output (help, "does not exist") is not the build's: only the summary lines.
    const out = execFileSync(process.execPath, ['scripts/train-code-cache.mjs', ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    for (const line of out.split('\n')) if (line.startsWith('train-code-cache: ')) console.log(line);
  }
}
