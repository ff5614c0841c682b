// spec: a starting config.json for a bundle, as `runc spec` writes one (and --rootless).
import type { Spec } from '../spec/types.js';
import { OCI_VERSION } from '../version.js';

const DEFAULT_CAPS = ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'];

/**
 * What `runc spec` (1.1) writes, field for field and in its order, but ociVersion (tsrun's spec
 * version): a shell on a terminal, hostname "runc" (suites built on runc's spec check it), the
 * default capabilities ambient too, and a read-only cgroup mount. --rootless as `runc spec
 * --rootless`: the caller mapped to root, no network namespace or device rules, /sys bound.
 */
export function defaultSpec(rootless: { uid: number; gid: number } | undefined): Spec {
  const caps = () => [...DEFAULT_CAPS];
  const spec: Spec = {
    ociVersion: OCI_VERSION,
    process: {
      terminal: true,
      user: { uid: 0, gid: 0 },
      args: ['sh'],
      env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'TERM=xterm'],
      cwd: '/',
      capabilities: { bounding: caps(), effective: caps(), permitted: caps(), ambient: caps() },
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }],
      noNewPrivileges: true,
    },
    root: { path: 'rootfs', readonly: true },
    hostname: 'runc',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', ...(rootless ? [] : ['gid=5'])] },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      rootless
        ? { destination: '/sys', type: 'none', source: '/sys', options: ['rbind', 'nosuid', 'noexec', 'nodev', 'ro'] }
        : { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
      { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] },
    ],
    linux: {
      ...(rootless
        ? { uidMappings: [{ containerID: 0, hostID: rootless.uid, size: 1 }], gidMappings: [{ containerID: 0, hostID: rootless.gid, size: 1 }] }
        : // Every device denied but the defaults (cgroups/controllers/devices.ts); rootless sets no rules.
          { resources: { devices: [{ allow: false, access: 'rwm' }] } }),
      namespaces: rootless
        ? [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }, { type: 'user' }]
        : [{ type: 'pid' }, { type: 'network' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }],
      maskedPaths: ['/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/sys/firmware', '/proc/scsi'],
      readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    },
  };
  return spec;
}

/** The file as runc writes it: Go's json.MarshalIndent with tabs, no final newline. */
export const specText = (spec: Spec): string => JSON.stringify(spec, null, '\t');
