// Writes dist/*.v8cache (see code-cache.mjs): runs the CLI in this process on the command
// lines engines send, so that the functions they compile lazily are in the caches, then asks
// each loaded bundle's Script for its cache. Run from the package root by trainCodeCaches(),
// once per set: `lean` (the lean CLI's cache: state, start, kill, delete, list), `whole` (the
// whole CLI's) and `create` (the create CLI's, then the validators' and yargs', which the
// whole CLI loads for the lines the create CLI hands over). Every command works on a temporary
// --root. As root the commands run on real containers (their rootfs holds only a copy of the
// static tsrun-init, which exits at once), so that the paths that succeed are in the caches:
// trained on missing containers only, `state` compiled 6.5 M instructions more at each start
// (callgrind). Without root, create and run get as far as compiling the plan and fail making
// their state directory (--root is a file there). With --check it only reports caches V8 rejects.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { TRAIN_HOOK } from './code-cache.mjs';

const cli = resolve('dist/tsrun.cjs');
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

// Real containers need root here (a rootless one needs the user's subordinate ids); their ids
// are this process's, so that concurrent builds do not meet.
const real = process.getuid?.() === 0 && existsSync('build/Release/tsrun-init');
const id = (name) => `tsrun-train-${process.pid}-${name}`;
/** A bundle whose process is /train, a copy of the static tsrun-init (run without its plan, it exits at once). */
function realBundle(name, config) {
  const dir = join(tmp, name);
  mkdirSync(join(dir, 'rootfs'), { recursive: true });
  copyFileSync('build/Release/tsrun-init', join(dir, 'rootfs', 'train'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, process: { ...config.process, args: ['/train'], terminal: false }, root: { path: 'rootfs', readonly: true } }));
  return dir;
}
const demo = JSON.parse(readFileSync('bundles/busybox/config.json', 'utf8'));
// What Docker sends (test/fixtures/engine-configs: seccomp, masked paths, sysctls, resources),
// less its files on the capturing host and with a cgroup of this build's.
const dockerFixture = 'test/fixtures/engine-configs/docker-default.json';
function dockerConfig() {
  const config = JSON.parse(readFileSync(dockerFixture, 'utf8'));
  config.mounts = config.mounts.filter((m) => m.type !== 'bind');
  config.linux.cgroupsPath = `/${id('docker')}`;
  return config;
}
const demoBundle = real ? realBundle('demo', demo) : bundle;
const dockerBundle = real && existsSync(dockerFixture) ? realBundle('docker', dockerConfig()) : undefined;
/**
 * Runs the CLI in a child process, for the containers a set needs but does not train on. A root
 * that cannot make containers (a build inside an unprivileged container) only trains less.
 */
const cliChild = (args) => {
  try {
    execFileSync(process.execPath, [cli, '--root', root, ...args], { stdio: 'ignore' });
  } catch {}
};
const removeReal = () => {
  for (const name of ['x', 'y', 'z', 'docker', 'run']) cliChild(['delete', '--force', id(name)]);
};

// Engines and the bench pass no --root: one line per set takes the default root (defaultRoot),
// on a container that does not exist there or a config refused before any root is touched.
const MISSING = [
  ['state', id('absent')],
  ['--root', root, 'state', 'x'],
  ['--root', root, 'start', 'x'],
  ['--root', root, 'kill', 'x', 'KILL'],
  ['--root', root, 'delete', 'x'],
  ['--root', root, 'delete', '--force', 'x'],
  ['--root', root, 'list'],
];
// On real containers: x created, then killed and deleted; y started and deleted by force.
const LEAN = real
  ? [
      ['--root', root, 'state', id('x')],
      ['--root', root, 'list'],
      ['--root', root, 'kill', id('x'), 'KILL'],
      ['--root', root, 'delete', id('x')],
      ['--root', root, 'start', id('y')],
      ['--root', root, 'state', id('y')],
      ['--root', root, 'delete', '--force', id('y')],
      ...MISSING,
    ]
  : MISSING;
/** The real containers a set's lines need, made by a child process (not trained on). */
const createReal = (...names) => {
  if (real) for (const name of names) cliChild(['create', '--bundle', demoBundle, id(name)]);
};
// exec on a created container (as runc, tsrun execs into one) whose init has not run /train yet.
const EXEC = [['--root', root, 'exec', real ? id('x') : 'x', '/train'], ['exec', id('absent'), '/train']];
// The first line makes the loader run the whole CLI; the lean lines then run in it.
const WHOLE = [['--root', root, 'pause', 'x'], ...MISSING];
const CREATE = [
  ['--root', real ? root : notADir, 'create', '--bundle', demoBundle, id('z')],
  ...(dockerBundle ? [['--root', root, 'create', '--bundle', dockerBundle, id('docker')]] : []),
  ['--root', notADir, 'create', '--bundle', badBundle, 'x'],
  ['create', '--bundle', badBundle, 'x'],
  ['--root', real ? root : notADir, 'run', '--bundle', demoBundle, id('run')],
];
// Lines yargs parses, for its own cache only.
const YARGS = [['--version'], ['--help'], ['--root', root, 'state']];

const check = process.argv[2] === '--check';
const set = process.argv[check ? 3 : 2];
const wholeFile = resolve('dist/tsrun.code.cjs');
const codeFile = { lean: resolve('dist/tsrun.lean.cjs'), create: resolve('dist/tsrun.create.cjs'), exec: resolve('dist/tsrun.exec.cjs') }[set] ?? wholeFile;
const argv0 = process.argv.slice(0, 1);
const requireCli = createRequire(cli);
/** One CLI run, as `node dist/tsrun.js ...args` (the link to dist/tsrun.cjs) would do it, awaited. */
async function runCli(args) {
  process.argv = [...argv0, cli, ...args];
  process.exitCode = undefined;
  const code = scripts.get(codeFile);
  if (!code) requireCli(cli);
  else {
    const module = { exports: {} };
    code.runInThisContext()(module.exports, requireCli, module, codeFile, dirname(codeFile));
  }
  // A command's main sets the exit code when it ends (src/cli/run-main.ts); a real create takes
  // tens of milliseconds, a handed-over or failed line may not set it at all.
  for (let waited = 0; process.exitCode === undefined && waited < 10_000; waited += 5) await new Promise((res) => setTimeout(res, 5));
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
    if (!check) createReal('x', 'y');
    for (const args of check ? LEAN.slice(0, 1) : LEAN) await runCli(args);
    take(codeFile, '.v8cache');
  } else if (set === 'whole') {
    for (const args of check ? WHOLE.slice(0, 1) : WHOLE) await runCli(args);
    take(codeFile, '.v8cache');
  } else if (set === 'exec') {
    if (!check) createReal('x');
    for (const args of EXEC) await runCli(args);
    take(codeFile, '.v8cache');
  } else if (set === 'create') {
    for (const args of check ? CREATE.slice(0, 1) : CREATE) await runCli(args);
    take(codeFile, '.v8cache');
    for (const args of check ? YARGS.slice(0, 1) : YARGS) await runCli(args);
    // The whole CLI ran too (the create CLI handed it those lines): its cache is the whole set's.
    for (const file of scripts.keys()) if (file !== codeFile && file !== wholeFile) take(file, '.v8cache');
  } else throw new Error(`train-code-cache: unknown set ${set}`);
} finally {
  if (real) removeReal();
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
