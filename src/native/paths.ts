import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: the nearest ancestor of this module (bundled in dist/ or source in src/native/) with binding.gyp (dist/ has a package.json of its own). */
function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'binding.gyp'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('tsrun: cannot find the package root from ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}

export const packageRoot = findPackageRoot();
export const nativeModulePath = join(packageRoot, 'build', 'Release', 'tsrun_native.node');
export const initPath = join(packageRoot, 'build', 'Release', 'tsrun-init');
