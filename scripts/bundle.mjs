// Bundles the CLI into dist/ with esbuild: one entry plus one chunk per lazily loaded command.
import { build } from 'esbuild';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';

// Node builtins through require(), not ESM imports: an ESM import of 'node:fs' reads every
// export of fs, whose lazy getters load fs/promises and the whole stream stack (util: parseArgs,
// MIME), ~3 ms of every start-up; require() returns the object, and lazy getters stay lazy.
const builtins = new RegExp(`^(node:)?(${builtinModules.map((m) => m.replace(/[/]/g, '\\/')).join('|')})$`);
const builtinsByRequire = {
  name: 'builtins-by-require',
  setup(b) {
    b.onResolve({ filter: builtins }, (a) =>
      a.namespace === 'builtin' ? { path: a.path, external: true } : { path: a.path.replace(/^node:/, ''), namespace: 'builtin' },
    );
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (a) => ({ contents: `module.exports = require('node:${a.path}');`, loader: 'js' }));
  },
};

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: { tsrun: 'src/cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  plugins: [builtinsByRequire],
  // yargs and ajv's runtime helpers are CommonJS: give the ESM bundle a require().
  banner: { js: "import { createRequire as __tsrunCreateRequire } from 'node:module'; const require = __tsrunCreateRequire(import.meta.url);" },
});
// Engines may run the runtime with no PATH at all (podman's kill/delete): name node absolutely.
const entry = readFileSync('dist/tsrun.js', 'utf8').replace(/^#!.*\n/, '');
writeFileSync('dist/tsrun.js', `#!${process.execPath}\n${entry}`);
chmodSync('dist/tsrun.js', 0o755);
