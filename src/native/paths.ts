import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The package root: the nearest ancestor of this module (bundled in dist/ or source in src/native/) with binding.gyp (dist/ has a package.json of its own).
 * import.meta.dirname rather than fileURLToPath(import.meta.url): no URL made and parsed at every start-up (~0.5 ms in the bundle).
 */
function findPackageRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, 'binding.gyp'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('tsrun: cannot find the package root from ' + import.meta.dirname);
    dir = parent;
  }
  return dir;
}

export const packageRoot = findPackageRoot();
export const nativeModulePath = join(packageRoot, 'build', 'Release', 'tsrun_native.node');
export const initPath = join(packageRoot, 'build', 'Release', 'tsrun-init');
