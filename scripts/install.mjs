// npm's install step. The package ships the addon and tsrun-init built (npm pack of a built
// checkout); only when they are missing (a fresh checkout) is node-gyp run, which is what npm
// does by itself for a package with binding.gyp and no install script.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const built = ['build/Release/tsrun_native.node', 'build/Release/tsrun-init'].every((f) => existsSync(f));
if (!built) {
  const r = spawnSync('node-gyp', ['rebuild'], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
