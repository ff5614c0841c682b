// Writes dist/*.v8cache (see code-cache.mjs): runs the CLI in this process on the command
// lines engines send, so that the functions they compile lazily are in the caches, then asks
// each loaded bundle's Script for its cache. Run from the package root by trainCodeCaches(),
// once per set: `lean` (the lean CLI's cache: state, start, kill, delete, list), `whole` (the
// whole CLI's) and `create` (the create CLI's, then the validators' and yargs', which the
// whole CLI loads for the lines the create CLI hands over). Without root: every command works on a
// temporary --root; create and run get as far as compiling the plan and fail making their
// state directory (--root is a file there). With --check it only reports caches V8 rejects.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { TRAIN_HOOK } from './code-cache.mjs';

const cli = resolve('dist/tsrun.js');
const scripts = new Map();
globalThis[Symbol.for(TRAIN_HOOK)] = (script, file) => scripts.set(file, script);

const tmp = mkdtempSync(join(tmpdir(), 'tsrun-train-'));
const root = join(tmp, 'root');
const notADir = join(tmp, 'file');
writeFileSync(notADir, '');
const bundle = join(tmp, 'bundle');
mkdirSync(join(bundle, 'rootfs'), { recursive: true });
cpSync('bundles/busybox/config.json', join(bundle, 'config.json'));
const badBundle = join(tmp, 'bad');
mkdirSync(badBundle);
writeFileSync(join(badBundle, 'config.json'), '{ "ociVersion": 1, "process": { "args": [] }, "linux": { "namespaces": [{ "type": "pid" }, { "type": "pid" }] } }');

const LEAN = [
  ['--root', root, 'state', 'x'],
  ['--root', root, 'start', 'x'],
  ['--root', root, 'kill', 'x', 'KILL'],
  ['--root', root, 'delete', 'x'],
  ['--root', root, 'delete', '--force', 'x'],
  ['--root', root, 'list'],
];
// The first line makes the loader run the whole CLI; the lean lines then run in it.
const WHOLE = [['--root', root, 'pause', 'x'], ...LEAN];
const CREATE = [
  ['--root', notADir, 'create', '--bundle', bundle, 'x'],
  ['--root', notADir, 'create', '--bundle', badBundle, 'x'],
  ['--root', notADir, 'run', '--bundle', bundle, 'x'],
];
// Lines yargs parses, for its own cache only.
const YARGS = [['--version'], ['--help'], ['--root', root, 'state']];

const check = process.argv[2] === '--check';
const set = process.argv[check ? 3 : 2];
const wholeFile = resolve('dist/tsrun.code.cjs');
const codeFile = { lean: resolve('dist/tsrun.lean.cjs'), create: resolve('dist/tsrun.create.cjs') }[set] ?? wholeFile;
const argv0 = process.argv.slice(0, 1);
const requireCli = createRequire(cli);
/** One CLI run, as `node dist/tsrun.js ...args` would do it, awaited. */
async function runCli(args) {
  process.argv = [...argv0, cli, ...args];
  const code = scripts.get(codeFile);
  if (!code) requireCli(cli);
  else {
    const module = { exports: {} };
    code.runInThisContext()(module.exports, requireCli, module, codeFile, dirname(codeFile));
  }
  await new Promise((res) => setTimeout(res, 20));
}
const caches = new Map();
const take = (file, suffix) => caches.set(file + suffix, scripts.get(file)?.createCachedData());

// yargs ends the process after --help and --version: here the next run follows instead.
process.exit = (code) => {
  process.exitCode = code;
};
try {
  if (set === 'lean') {
    for (const args of check ? LEAN.slice(0, 1) : LEAN) await runCli(args);
    take(codeFile, '.v8cache');
  } else if (set === 'whole') {
    for (const args of check ? WHOLE.slice(0, 1) : WHOLE) await runCli(args);
    take(codeFile, '.v8cache');
  } else if (set === 'create') {
    for (const args of check ? CREATE.slice(0, 1) : CREATE) await runCli(args);
    take(codeFile, '.v8cache');
    for (const args of check ? YARGS.slice(0, 1) : YARGS) await runCli(args);
    // The whole CLI ran too (the create CLI handed it those lines): its cache is the whole set's.
    for (const file of scripts.keys()) if (file !== codeFile && file !== wholeFile) take(file, '.v8cache');
  } else throw new Error(`train-code-cache: unknown set ${set}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
process.exitCode = 0;
for (const [file, data] of caches) {
  const name = file.slice(dirname(codeFile).length + 1);
  if (!check) {
    writeFileSync(file, data);
    console.log(`train-code-cache: ${name} ${(data.length / 1024).toFixed(0)} KiB`);
  }
}
for (const [file, script] of scripts) {
  if (check && script.cachedDataRejected !== false) console.log(`train-code-cache: WARNING: V8 rejects the cache of ${file.slice(dirname(codeFile).length + 1)} (${set}): every start compiles it`);
}
