// Bundles the CLI into dist/ with esbuild: one entry plus one chunk per lazily loaded command;
// and the soak script (bench/soak.ts, the runtime's library API in one long-lived process).
import { build } from 'esbuild';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: { tsrun: 'src/cli/main.ts', soak: 'bench/soak.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  // yargs and ajv's runtime helpers are CommonJS: give the ESM bundle a require().
  banner: { js: "import { createRequire as __tsrunCreateRequire } from 'node:module'; const require = __tsrunCreateRequire(import.meta.url);" },
});
// Engines may run the runtime with no PATH at all (podman's kill/delete): name node absolutely.
const entry = readFileSync('dist/tsrun.js', 'utf8').replace(/^#!.*\n/, '');
writeFileSync('dist/tsrun.js', `#!${process.execPath}\n${entry}`);
chmodSync('dist/tsrun.js', 0o755);
