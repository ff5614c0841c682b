// Which part of config.json a failed tsrun-init step came from, so that a failure deep in the
// init ("mount /dev/mqueue: mount: EINVAL") is reported like a config error, naming the JSON
// path ("config.json: /mounts/4: mount /dev/mqueue: ..."). The init names its steps from the
// plan's arguments (addon/init/main.cc set_step), which the compiler took from the config:
// reading the step name back is enough, and the init need not know about JSON at all.
import { RLIMIT } from '../plan/constants.js';
import type { Spec } from './types.js';

const escape = (k: string): string => k.replace(/~/g, '~0').replace(/\//g, '~1');
const asAbsolute = (p: string): string => (p.startsWith('/') ? p : `/${p}`);

function indexed<T>(list: readonly T[] | undefined, pointer: string, match: (item: T) => boolean): string | undefined {
  const i = (list ?? []).findIndex(match);
  return i < 0 ? undefined : `${pointer}/${i}`;
}

/** Fixed step names (main.cc) → the field they apply. */
const FIXED: Record<string, string> = {
  sethostname: '/hostname',
  setdomainname: '/domainname',
  'exec lookup': '/process/args/0',
  exec: '/process/args/0',
  user: '/process/user',
  capabilities: '/process/capabilities',
  'bounding set': '/process/capabilities/bounding',
  umask: '/process/user/umask',
  no_new_privs: '/process/noNewPrivileges',
  seccomp: '/linux/seccomp',
  console: '/process/terminal',
  scheduler: '/process/scheduler',
  'io priority': '/process/ioPriority',
  'cpu affinity': '/process/execCPUAffinity',
  personality: '/linux/personality',
  'user namespace': '/linux/uidMappings',
  setresid: '/linux/uidMappings',
  pivot_root: '/root/path',
  chroot: '/root/path',
  'rootfs propagation': '/linux/rootfsPropagation',
};

/** The init keeps its step name in a 256-byte buffer (fail.cc): a longer one arrives cut. */
const STEP_MAX = 255;

/** The JSON pointer of the config field a failed init step applied, when the step name tells. */
export function pointerForStep(step: string, spec: Spec): string | undefined {
  if (step in FIXED) return FIXED[step];
  const cut = Buffer.byteLength(step) >= STEP_MAX;
  const same = (value: string | undefined, arg: string) => value === arg || (cut && value !== undefined && value.startsWith(arg));
  const m = /^(mount|mount_setattr|idmapped tree|bind source|mask|readonly|remount read-only|mknod|bind device|bind rootfs|cwd|rlimit|sysctl|setns|write) (.+)$/.exec(step);
  const hook = /^(\w+) hooks?(?: (.+))?$/.exec(step);
  if (m) {
    const [, what, arg] = m as unknown as [string, string, string];
    const linux = spec.linux;
    switch (what) {
      case 'idmapped tree':
      case 'bind source':
        // Named by the host source the plan resolved against the bundle (plan/rootfs.ts bindSource).
        return indexed(spec.mounts, '/mounts', (x) => x.source !== undefined && (same(x.source, arg) || arg.endsWith(`/${x.source.replace(/^\.\//, '')}`)));
      case 'mount':
      case 'mount_setattr':
      case 'remount read-only':
        return indexed(spec.mounts, '/mounts', (x) => same(asAbsolute(x.destination), arg)) ?? (arg === '/' ? '/root/readonly' : undefined);
      case 'mask':
        return indexed(linux?.maskedPaths, '/linux/maskedPaths', (p) => same(p, arg));
      case 'readonly':
        return indexed(linux?.readonlyPaths, '/linux/readonlyPaths', (p) => same(p, arg));
      case 'mknod':
      case 'bind device':
        // A default device (config-linux.md#default-devices) goes into the /dev the mounts give:
        // the /dev mount, or with none the mounts that left /dev to the root filesystem.
        return (
          indexed(linux?.devices, '/linux/devices', (d) => same(d.path, arg)) ??
          indexed(spec.mounts, '/mounts', (x) => asAbsolute(x.destination) === '/dev') ??
          '/mounts'
        );
      case 'bind rootfs':
        return '/root/path';
      case 'cwd':
        return '/process/cwd';
      case 'rlimit':
        return indexed(spec.process?.rlimits, '/process/rlimits', (r) => String(RLIMIT[r.type]) === arg);
      case 'sysctl':
        return linux?.sysctl && arg in linux.sysctl ? `/linux/sysctl/${escape(arg)}` : undefined;
      case 'setns':
        return indexed(linux?.namespaces, '/linux/namespaces', (n) => same(n.path, arg));
      case 'write':
        if (arg.endsWith('timens_offsets')) return '/linux/timeOffsets';
        // Entering the container's cgroup (plan/cgroup.ts).
        return arg.endsWith('/tasks') && linux?.cgroupsPath !== undefined ? '/linux/cgroupsPath' : undefined;
    }
  }
  if (hook) {
    const [, kind, path] = hook;
    const hooks = (spec.hooks as Record<string, { path: string }[] | undefined> | undefined)?.[kind!];
    if (!hooks) return undefined;
    return path === undefined ? `/hooks/${kind}` : indexed(hooks, `/hooks/${kind}`, (h) => same(h.path, path));
  }
  return undefined;
}
