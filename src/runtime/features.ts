// features (features.md, features-linux.md): what this build of tsrun implements, derived from
// the same tables the compiler uses, so it cannot claim more than the code does.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CAPABILITIES } from '../plan/constants.js';
import { ISOLATED_CPU_ANNOTATION } from '../plan/cpu-transition.js';
import { MPOL_FLAG, MPOL_MODE } from '../plan/mempolicy.js';
import { RECOGNIZED_MOUNT_OPTIONS } from '../plan/mount-options.js';
import { seccompFilterFlags } from '../native/index.js';
import { resctrlMount } from '../resctrl/resctrl.js';
import { ACTIONS, ARCHITECTURES, FILTER_FLAGS, OPERATORS } from '../seccomp/compile.js';
import { OCI_VERSION, TSRUN_VERSION } from '../version.js';
import { CRIU_CONFIG_ANNOTATION } from './criu/options.js';

/**
 * features-linux.md#cgroup systemd/systemdUser: the driver exists in this build, but it works only
 * where systemd is PID 1 on a unified hierarchy (sd_booted(3)), busctl is there and, for the user,
 * the user's manager has a bus.
 */
export function systemdDriver(): { systemd: boolean; systemdUser: boolean } {
  const unified = existsSync('/sys/fs/cgroup/cgroup.controllers');
  const busctl = ['/usr/bin/busctl', '/bin/busctl'].some((p) => existsSync(p));
  const systemd = unified && busctl && existsSync('/run/systemd/system');
  const address = process.env.DBUS_SESSION_BUS_ADDRESS?.match(/unix:path=([^,;]+)/)?.[1];
  const userBus = address ?? join(process.env.XDG_RUNTIME_DIR || `/run/user/${process.geteuid?.()}`, 'bus');
  return { systemd, systemdUser: systemd && existsSync(userBus) };
}

export function features(): Record<string, unknown> {
  // features-linux.md#seccomp: supportedFlags are those of the runtime that the kernel has too.
  const kernelFlags = seccompFilterFlags();
  const rdt = resctrlMount() !== undefined;
  return {
    ociVersionMin: '1.0.0',
    ociVersionMax: OCI_VERSION,
    hooks: ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop'],
    mountOptions: RECOGNIZED_MOUNT_OPTIONS,
    linux: {
      namespaces: ['cgroup', 'ipc', 'mount', 'network', 'pid', 'time', 'user', 'uts'],
      capabilities: [...CAPABILITIES],
      cgroup: { v1: true, v2: true, ...systemdDriver(), rdma: true },
      seccomp: {
        enabled: true,
        actions: Object.keys(ACTIONS),
        operators: Object.keys(OPERATORS),
        archs: Object.keys(ARCHITECTURES),
        knownFlags: Object.keys(FILTER_FLAGS),
        supportedFlags: Object.keys(FILTER_FLAGS).filter((f) => kernelFlags & FILTER_FLAGS[f]),
      },
      // features-linux.md: whether support is built in, unrelated to the host's LSMs.
      apparmor: { enabled: true },
      selinux: { enabled: true },
      // What works on this host: resctrl must be mounted (config-linux.md#intelrdt); else create refuses it.
      intelRdt: { enabled: rdt, schemata: rdt, monitoring: rdt },
      memoryPolicy: { modes: Object.keys(MPOL_MODE), flags: Object.keys(MPOL_FLAG) },
      mountExtensions: { idmap: { enabled: true } },
      netDevices: { enabled: true },
    },
    // features.md#unsafe-annotations-in-configjson: the config annotations that change what tsrun does.
    potentiallyUnsafeConfigAnnotations: [ISOLATED_CPU_ANNOTATION, CRIU_CONFIG_ANNOTATION],
    annotations: {
      'org.tsrun.version': TSRUN_VERSION,
      'org.tsrun.cgroup.systemd': '--systemd-cgroup drives cgroup v2 only, through busctl(1); systemd and systemdUser say whether this host has the system bus and the user\'s bus',
      ...(rdt ? {} : { 'org.tsrun.intelRdt': 'implemented through resctrl, but no resctrl filesystem is mounted here: linux.intelRdt fails create' }),
      // runc's other annotations have no effect here, as in runc without their feature.
      'org.tsrun.netDevices': 'as root only: a rootless runtime cannot move an interface (no CAP_NET_ADMIN in the host network namespace) and create says so',
      'org.tsrun.annotations.ignored': 'org.systemd.property.* (not passed to the systemd scope), bundle',
    },
  };
}
