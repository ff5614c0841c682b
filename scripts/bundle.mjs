// Bundles the CLI into dist/ with esbuild, for start-up time (measured with `npm run bench`):
// - dist/tsrun.code.cjs: all of src/ in one CommonJS file (each X.code.cjs is stored wrapped in
//   Node's CommonJS function wrapper: code-cache.mjs). Node starts a CommonJS main ~4 ms
//   faster than an ES module one, and one file is read once; each command's code is still
//   evaluated only when that command runs (esbuild turns `import('./commands/x.js')` into a lazy init).
// - dist/tsrun.lean.cjs, dist/tsrun.create.cjs and dist/tsrun.exec.cjs: the same for
//   src/cli/main-lean.ts (start, state, kill, delete and list only: a third of the code),
//   src/cli/main-create.ts (create, run and exec) and src/cli/main-exec.ts (exec, two thirds of
//   create's code), which hand every other line to tsrun.code.cjs (src/cli/subset.ts).
// - dist/yargs.code.cjs and dist/validators.code.cjs: the two large leaves (yargs, ~190 KB, only
//   for help and unusual lines; the ajv validators, ~220 KB, only for config.json), evaluated on
//   first use so that no other command parses them. Neither holds state shared with src/.
// - dist/tsrun.cjs (and dist/tsrun.js, a link to it): the loader, which runs one of the CLIs
//   and, when it asks, a leaf, through V8 code caches made here (code-cache.mjs).
// - dist/soak.js: the soak script (bench/soak.ts, the runtime's library API in one long-lived process).
// - dist/lib/tsrun.mjs and dist/lib/tsrun.cjs: the library (src/lib/index.ts, package.json
//   "exports"), a build of its own that the CLI never reads; its .d.ts files are tsc's
//   (tsconfig.lib.json, dist/types/).
import { build } from 'esbuild';
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { LEAF, trainCodeCaches, wrapForLoader, writeCliLoader } from './code-cache.mjs';

// A leaf is evaluated by the loader, which hands its exports over (code-cache.mjs, LEAF).
const LEAVES = { yargs: 'yargs.code.cjs', './generated/validators.js': 'validators.code.cjs' };
const leavesFromLoader = {
  name: 'leaves-from-loader',
  setup(b) {
    b.onResolve({ filter: /^(yargs|\.\/generated\/validators\.js)$/ }, (a) => ({ path: LEAVES[a.path], namespace: 'leaf' }));
    b.onLoad({ filter: /.*/, namespace: 'leaf' }, (a) => ({ contents: `module.exports = globalThis[Symbol.for(${JSON.stringify(LEAF)})](${JSON.stringify(a.path)});`, loader: 'js' }));
  },
};
const common = { bundle: true, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'warning' };

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist');
// dist/*.js are CommonJS although the package is "type": "module".
writeFileSync('dist/package.json', '{ "type": "commonjs" }\n');
const fromSrc = {
  ...common,
  plugins: [leavesFromLoader],
  // src/ is ES modules: give import.meta.dirname its CommonJS value (src/ uses no import.meta.url:
  // a file URL made at every start-up cost ~0.5 ms).
  define: { 'import.meta.dirname': '__dirname' },
};
await build({ ...fromSrc, entryPoints: ['src/cli/main.ts'], outfile: 'dist/tsrun.code.cjs' });
await build({ ...fromSrc, entryPoints: ['src/cli/main-lean.ts'], outfile: 'dist/tsrun.lean.cjs' });
await build({ ...fromSrc, entryPoints: ['src/cli/main-create.ts'], outfile: 'dist/tsrun.create.cjs' });
await build({ ...fromSrc, entryPoints: ['src/cli/main-exec.ts'], outfile: 'dist/tsrun.exec.cjs' });
// The soak script runs without the loader: its leaves are inside.
await build({ ...fromSrc, plugins: [], entryPoints: ['bench/soak.ts'], outfile: 'dist/soak.js' });
// The library: everything but node's own modules inside, so it needs no devDependency at run time.
const lib = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning', entryPoints: ['src/lib/index.ts'] };
await build({ ...lib, format: 'esm', outfile: 'dist/lib/tsrun.mjs', banner: { js: "import { createRequire as __tsrunRequire } from 'node:module'; const require = __tsrunRequire(import.meta.url);" } });
await build({ ...lib, format: 'cjs', outfile: 'dist/lib/tsrun.cjs', define: { 'import.meta.dirname': '__dirname' } });
// yargs' ES module build (what src/ imports), whose default export is what require() returns.
const yargsEntry = { contents: "export { default } from 'yargs';", resolveDir: '.' };
await build({ ...common, stdin: yargsEntry, outfile: 'dist/yargs.code.cjs', footer: { js: 'module.exports = module.exports.default;' } });
// ajv's generated code is written compactly; esbuild would print it ~50% longer, and every
// create reads it: 0.6 ms of 4 ms loading the validators.
await build({ ...common, minifyWhitespace: true, entryPoints: ['src/spec/generated/validators.js'], outfile: 'dist/validators.code.cjs' });
// The loader runs each X.code.cjs through its V8 code cache (code-cache.mjs).
// Engines may run the runtime with no PATH at all (podman's kill/delete): name node absolutely.
for (const file of ['dist/tsrun.code.cjs', 'dist/tsrun.lean.cjs', 'dist/tsrun.create.cjs', 'dist/tsrun.exec.cjs', 'dist/yargs.code.cjs', 'dist/validators.code.cjs']) {
  wrapForLoader(file);
  chmodSync(file, 0o644);
}
writeCliLoader('dist/tsrun.cjs', { shebang: `#!${process.execPath}\n`, whole: 'tsrun.code.cjs', lean: 'tsrun.lean.cjs', create: 'tsrun.create.cjs', exec: 'tsrun.exec.cjs' });
chmodSync('dist/tsrun.cjs', 0o755);
// dist/tsrun.js, the path engines are given, is a link to it: Node runs the real path of its main
// script, and a main script named .js has Node look up its package.json scope for "type" first
// (~0.85 M instructions of every command, callgrind).
symlinkSync('tsrun.cjs', 'dist/tsrun.js');
trainCodeCaches();
