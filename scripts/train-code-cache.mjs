// Writes dist/*.code.cjs.v8cache (see code-cache.mjs): runs the CLI in this process on the
// command lines engines send, so that the functions they compile lazily are in the caches,
// then asks each loaded bundle's Script for its cache. Run from the package root by
// trainCodeCaches(); without root: every command works on a temporary --root, `create` gets as
// far as compiling the plan and fails making its state directory (--root is a file there).
// With --check it only reports caches V8 rejects.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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

const runs = [
  ['--root', root, 'state', 'x'],
  ['--root', root, 'start', 'x'],
  ['--root', root, 'kill', 'x', 'KILL'],
  ['--root', root, 'delete', 'x'],
  ['--root', root, 'delete', '--force', 'x'],
  ['--root', root, 'list'],
  ['--root', notADir, 'create', '--bundle', bundle, 'x'],
  ['--root', notADir, 'create', '--bundle', badBundle, 'x'],
  ['--root', notADir, 'run', '--bundle', bundle, 'x'],
  ['--version'],
  ['--help'],
  ['--root', root, 'state'],
];
const check = process.argv[2] === '--check';
const argv0 = process.argv.slice(0, 1);
const requireCli = createRequire(cli);
/** One CLI run, as `node dist/tsrun.js ...args` would do it, awaited. */
async function runCli(args) {
  process.argv = [...argv0, cli, ...args];
  const code = scripts.get(resolve('dist/tsrun.code.cjs'));
  if (!code) requireCli(cli);
  else {
    const module = { exports: {} };
    code.runInThisContext()(module.exports, requireCli, module, resolve('dist/tsrun.code.cjs'), resolve('dist'));
  }
  await new Promise((res) => setTimeout(res, 20));
}

// yargs ends the process after --help and --version: here the next run follows instead.
process.exit = (code) => {
  process.exitCode = code;
};
try {
  for (const args of check ? [runs[0], runs[6], runs[9]] : runs) await runCli(args);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
process.exitCode = 0;
for (const [file, script] of scripts) {
  const name = file.slice(resolve('dist').length + 1);
  if (check) {
    if (script.cachedDataRejected !== false) console.log(`train-code-cache: WARNING: V8 rejects the cache of ${name}: every start compiles it`);
  } else {
    const data = script.createCachedData();
    writeFileSync(`${file}.v8cache`, data);
    console.log(`train-code-cache: ${name}.v8cache ${(data.length / 1024).toFixed(0)} KiB`);
  }
}
