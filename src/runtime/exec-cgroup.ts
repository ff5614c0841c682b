// exec --cgroup [<controller>[,<controller>]:]<path> (runc 1.1 exec): the process joins an
// existing sub-cgroup of the container's instead of the container's own cgroup.
import { existsSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { UsageError } from '../errors.js';

/** The container's saved cgroup paths with each --cgroup's sub-path below the hierarchies it names. */
export function subCgroupPaths(paths: Record<string, string> | undefined, specs: string[]): Record<string, string> | undefined {
  if (specs.length === 0) return paths;
  if (!paths || Object.keys(paths).length === 0) throw new UsageError('exec --cgroup: the container has no cgroup');
  const out = { ...paths };
  for (const spec of specs) {
    const colon = spec.indexOf(':');
    const controllers = colon < 0 ? [] : spec.slice(0, colon).split(',');
    const sub = colon < 0 ? spec : spec.slice(colon + 1);
    const clean = normalize(sub);
    if (!sub || sub.startsWith('/') || clean === '..' || clean.startsWith('../')) {
      throw new UsageError(`exec --cgroup ${JSON.stringify(spec)}: the path must be relative to the container's cgroup, without ".."`);
    }
    // cgroup v2 has one hierarchy ("unified"): a controller prefix names nothing there.
    const keys: string[] = controllers.length === 0 || Object.hasOwn(paths, 'unified') ? Object.keys(paths) : controllers;
    for (const key of keys) {
      if (!Object.hasOwn(paths, key)) throw new UsageError(`exec --cgroup ${JSON.stringify(spec)}: the container has no ${key} cgroup`);
      const dir = join(paths[key], clean);
      if (!existsSync(dir)) throw new UsageError(`exec --cgroup ${JSON.stringify(spec)}: ${dir} does not exist`);
      out[key] = dir;
    }
  }
  return out;
}
