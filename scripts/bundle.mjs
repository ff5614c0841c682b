// Bundles the CLI into dist/ with esbuild, for start-up time (measured with `npm run bench`):
// - dist/tsrun.js: all of src/ in one CommonJS file. Node starts a CommonJS main ~4 ms faster
//   than an ES module one, and one file is read once; each command's code is still evaluated
//   only when that command runs (esbuild turns `import('./commands/x.js')` into a lazy init).
// - dist/yargs.cjs and dist/validators.cjs: the two large leaves (yargs, ~190 KB, only for help
//   and unusual lines; the ajv validators, ~240 KB, only for config.json), required on first
//   use so that no other command parses them. Neither holds state shared with src/.
import { build } from 'esbuild';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const LEAVES = { yargs: './yargs.cjs', './generated/validators.js': './validators.cjs' };
const leavesExternal = {
  name: 'leaves-external',
  setup(b) {
    b.onResolve({ filter: /^(yargs|\.\/generated\/validators\.js)$/ }, (a) => ({ path: LEAVES[a.path], external: true }));
  },
};
const common = { bundle: true, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'warning' };

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist');
// dist/*.js are CommonJS although the package is "type": "module".
writeFileSync('dist/package.json', '{ "type": "commonjs" }\n');
await build({
  ...common,
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/tsrun.js',
  plugins: [leavesExternal],
  // src/ is ES modules: give import.meta.url its CommonJS value.
  define: { 'import.meta.url': '__tsrunModuleUrl' },
  banner: { js: "const __tsrunModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
});
// yargs' ES module build (what src/ imports), whose default export is what require() returns.
const yargsEntry = { contents: "export { default } from 'yargs';", resolveDir: '.' };
await build({ ...common, stdin: yargsEntry, outfile: 'dist/yargs.cjs', footer: { js: 'module.exports = module.exports.default;' } });
await build({ ...common, entryPoints: ['src/spec/generated/validators.js'], outfile: 'dist/validators.cjs' });
// Engines may run the runtime with no PATH at all (podman's kill/delete): name node absolutely.
const entry = readFileSync('dist/tsrun.js', 'utf8').replace(/^#!.*\n/, '');
writeFileSync('dist/tsrun.js', `#!${process.execPath}\n${entry}`);
chmodSync('dist/tsrun.js', 0o755);
