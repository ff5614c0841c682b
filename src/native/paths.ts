import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

// Where this module runs from, and the package root above it: the CLI bundles (dist/), the
// library (dist/lib/), the sources under vitest (src/native/).
const LAYOUTS = ['/dist', '/dist/lib', '/src/native'];

/**
 * The package root: for the known layouts by the directory's name alone (fs.existsSync and
 * path.join are Node functions compiled anew at every start), else the nearest ancestor with
 * binding.gyp. import.meta.dirname rather than fileURLToPath(import.meta.url): no URL made and
 * parsed at every start-up (~0.5 ms in the bundle).
 */
function findPackageRoot(): string {
  const here = import.meta.dirname;
  const layout = LAYOUTS.find((suffix) => here.endsWith(suffix));
  if (layout) return here.slice(0, -layout.length) || '/';
  let dir = here;
  while (!existsSync(join(dir, 'binding.gyp'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('tsrun: cannot find the package root from ' + here);
    dir = parent;
  }
  return dir;
}

export const packageRoot = findPackageRoot();
export const nativeModulePath = `${packageRoot}/build/Release/tsrun_native.node`;
export const initPath = `${packageRoot}/build/Release/tsrun-init`;
