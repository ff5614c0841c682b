// Bundles the CLI into dist/ with esbuild: one entry plus one chunk per lazily loaded command.
import { build } from 'esbuild';
import { chmodSync, rmSync } from 'node:fs';

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
  // yargs and ajv's runtime helpers are CommonJS: give the ESM bundle a require().
  banner: { js: "import { createRequire as __tsrunCreateRequire } from 'node:module'; const require = __tsrunCreateRequire(import.meta.url);" },
});
chmodSync('dist/tsrun.js', 0o755);
