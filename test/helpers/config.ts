// baseConfig(): the smallest config.json a container of each tier runs with, in the manner of
// crun's base_config(): a test changes one field and checks its effect.
//   root:     pid, network, ipc, uts and mount namespaces; /proc /dev /dev/pts /dev/shm /dev/mqueue /sys
//   rootless: as `runc spec --rootless`: a user namespace mapping container 0 to the runner
//             (size 1), no network namespace, /sys a read-only rbind of the host's, devpts without gid=5
// The root is the shared test rootfs (absolute root.path, read-only); process.args is ["true"].
import type { Mount, Spec } from '../../src/spec/types.js';
import { type Mode, runnerOf } from './host.js';
import { testRootfs } from './rootfs.js';

export type { Spec };
export const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
export const BASE_HOSTNAME = 'tsrun-test';

export type DeepPartial<T> = T extends (infer U)[] ? U[] : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Objects merge key by key; arrays and scalars replace; `undefined` removes the key. */
export function merge<T>(base: T, over: unknown): T {
  if (!isObject(base) || !isObject(over)) return (over === undefined ? base : over) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) delete out[k];
    else out[k] = k in out ? merge(out[k], v) : v;
  }
  return out as T;
}

export function baseMounts(mode: Mode): Mount[] {
  const devpts = ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620'];
  return [
    { destination: '/proc', type: 'proc', source: 'proc' },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: mode === 'root' ? [...devpts, 'gid=5'] : devpts },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    mode === 'root'
      ? { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] }
      : { destination: '/sys', type: 'none', source: '/sys', options: ['rbind', 'nosuid', 'noexec', 'nodev', 'ro'] },
  ];
}

/** A tmpfs mount, for tests that need a writable directory in the read-only root. */
export function tmpfsMount(destination: string): Mount {
  return { destination, type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'mode=1777', 'size=8m'] };
}

/** A read-write bind of a host directory (the rootfs has an empty /mnt for it). */
export function bindMount(source: string, destination = '/mnt'): Mount {
  return { destination, type: 'bind', source, options: ['rbind', 'rw'] };
}

export function baseConfig(mode: Mode, overrides: DeepPartial<Spec> = {}): Spec {
  const config: Spec = {
    ociVersion: '1.3.0',
    process: {
      terminal: false,
      user: { uid: 0, gid: 0 },
      args: ['true'],
      env: [PATH_ENV, 'HOME=/root'],
      cwd: '/',
    },
    root: { path: testRootfs(), readonly: true },
    hostname: BASE_HOSTNAME,
    mounts: baseMounts(mode),
    linux: {
      namespaces:
        mode === 'root'
          ? [{ type: 'pid' }, { type: 'network' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }]
          : [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }, { type: 'user' }],
    },
  };
  if (mode === 'rootless') {
    const { uid, gid } = runnerOf(mode);
    config.linux!.uidMappings = [{ containerID: 0, hostID: uid, size: 1 }];
    config.linux!.gidMappings = [{ containerID: 0, hostID: gid, size: 1 }];
  }
  return merge(config, overrides);
}

/** baseConfig with process.args replaced: the most common single change. */
export function withArgs(mode: Mode, args: string[], overrides: DeepPartial<Spec> = {}): Spec {
  return merge(baseConfig(mode, overrides), { process: { args } });
}
