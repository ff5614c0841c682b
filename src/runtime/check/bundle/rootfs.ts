// root.path must be a directory (config.md#root) and process.args[0] a file in it, found as
// execvp(3) would through the process's PATH (config.md#process): create fails otherwise.
import { lstatSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { BundleProblem } from '../types.js';
import type { BundleContext } from './context.js';

const exists = (p: string): boolean => {
  try {
    lstatSync(p); // an absolute symlink in the image points into the image, not the host
    return true;
  } catch {
    return false;
  }
};

export function checkRootfs(ctx: BundleContext): BundleProblem[] {
  const rel = ctx.spec.root?.path;
  if (!rel) return [];
  const root = isAbsolute(rel) ? rel : join(ctx.bundle, rel);
  try {
    if (!statSync(root).isDirectory()) throw new Error();
  } catch {
    return [{ pointer: '/root/path', section: 'config.md#root', reason: `${root} is not a directory`, fix: 'fill the root filesystem (e.g. bundles/busybox/make-rootfs.sh) or correct root.path' }];
  }
  const arg0 = ctx.spec.process?.args?.[0];
  if (!arg0) return [];
  const path = (ctx.spec.process?.env ?? []).find((e) => e.startsWith('PATH='))?.slice(5) ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  const candidates = arg0.includes('/') ? [join(root, arg0.startsWith('/') ? arg0 : join(ctx.spec.process?.cwd ?? '/', arg0))] : path.split(':').map((d) => join(root, d, arg0));
  if (candidates.some(exists)) return [];
  return [{ pointer: '/process/args/0', section: 'config.md#process', reason: `${arg0} is not in the root filesystem${arg0.includes('/') ? '' : ` (PATH ${path})`}`, fix: 'install it in the image or correct process.args' }];
}
