// config-linux.md#devices (mknod as root, a bind of the host's node in a user namespace) and
// config-linux.md#sysctl (only keys of the container's own namespaces, checked at create).
import { statSync } from 'node:fs';
import { expect, it } from 'vitest';
import { runContainer } from '../helpers/fs.js';
import { otherRuntime } from '../helpers/host.js';
import { forEachMode } from '../helpers/modes.js';
import { expectFail, expectOk } from '../helpers/tsrun.js';

const STAT = ['stat', '-c', '%n %F %t:%T %a %u:%g'];

forEachMode((t) => {
  it('the default devices exist as the character devices of config-linux.md#default-devices', async () => {
    const r = expectOk(await runContainer(t, t.args([...STAT, '/dev/null', '/dev/zero', '/dev/full', '/dev/random', '/dev/urandom', '/dev/tty'])));
    for (const [path, rdev] of [['/dev/null', '1:3'], ['/dev/zero', '1:5'], ['/dev/full', '1:7'], ['/dev/random', '1:8'], ['/dev/urandom', '1:9'], ['/dev/tty', '5:0']]) {
      expect(r.stdout).toMatch(new RegExp(`^${path} character special file ${rdev} `, 'm'));
    }
  });

  if (t.mode === 'root') {
    it('linux.devices are made with mknod: type c/b/u/p, major, minor, fileMode, uid, gid, anywhere in the rootfs', async () => {
      const devices = [
        { path: '/dev/mychar', type: 'c', major: 1, minor: 5, fileMode: 0o640, uid: 1000, gid: 1001 },
        { path: '/dev/myblock', type: 'b', major: 7, minor: 0, fileMode: 0o600, uid: 0, gid: 6 },
        { path: '/dev/myfifo', type: 'p', fileMode: 0o620 },
        { path: '/tmp/deep/er/unbuffered', type: 'u', major: 1, minor: 3 },
      ];
      const config = t.args([...STAT, ...devices.map((d) => d.path)], { linux: { devices } });
      config.mounts = [...config.mounts!, { destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['size=1m'] }];
      const r = expectOk(await runContainer(t, config));
      expect(r.stdout).toContain('/dev/mychar character special file 1:5 640 1000:1001');
      expect(r.stdout).toContain('/dev/myblock block special file 7:0 600 0:6');
      expect(r.stdout).toContain('/dev/myfifo fifo 0:0 620 0:0');
      expect(r.stdout).toContain('/tmp/deep/er/unbuffered character special file 1:3 666 0:0');
    });

    // Rootless has no device cgroup (its nodes are binds of the host's): the case is root's.
    it(`a linux.devices node opens without a rule of its own under "deny all" (config-linux.md#devices: "MUST be available"; runc 1.1 denies it, EPERM${otherRuntime ? ', checked as such under the oracle' : ''})`, async () => {
      const devices = [{ path: '/dev/xfuse', type: 'c', major: 10, minor: 229, fileMode: 0o666 }];
      const config = t.args(['sh', '-c', ': < /dev/xfuse && echo opened'], { linux: { devices, resources: { devices: [{ allow: false, access: 'rwm' }] } } });
      const r = await runContainer(t, config);
      if (otherRuntime) expectFail(r, /can't open \/dev\/xfuse: Operation not permitted/);
      else expect(expectOk(r).stdout).toBe('opened\n');
    });
  } else {
    it('linux.devices in a user namespace (mknod is not allowed there) are binds of the host\'s node: its type and numbers', async () => {
      const host = statSync('/dev/fuse');
      const devices = [{ path: '/dev/fuse', type: 'c', major: 10, minor: 229, fileMode: 0o666 }];
      const r = expectOk(await runContainer(t, t.args(['sh', '-c', 'stat -c "%n %F %t:%T" /dev/fuse; grep " /dev/fuse " /proc/self/mountinfo'], { linux: { devices } })));
      expect(r.stdout).toContain(`/dev/fuse character special file ${(host.rdev >> 8).toString(16)}:${(host.rdev & 0xff).toString(16)}`);
      expect(r.stdout).toMatch(/ \/dev\/fuse .* - devtmpfs /);
    });

    it('a device whose path does not exist on the host cannot be bound: a clear error naming it', async () => {
      const devices = [{ path: '/dev/tsrun-no-such-device', type: 'c', major: 1, minor: 3 }];
      // runc words ENOENT as "no such file or directory".
      expectFail(await runContainer(t, t.args(['true'], { linux: { devices } })), otherRuntime ? /\/dev\/tsrun-no-such-device.*no such file/ : /\/dev\/tsrun-no-such-device.*ENOENT/);
    });
  }

  // runc 1.1 (createDeviceNode: mknod's EEXIST is ignored) leaves the file and goes on as root;
  // rootless it fails opening the file to bind over it (EACCES), so only root differs.
  it(`a device path where the rootfs has a different file is an error (config-linux.md#devices), and the file is kept${t.mode === 'root' ? ' (deliberate difference from runc: runc 1.1 keeps the file and starts)' : ''}`, async () => {
    const devices = [{ path: '/etc/passwd', type: 'c', major: 1, minor: 3 }];
    const r = await runContainer(t, t.args(['true'], { linux: { devices } }));
    if (otherRuntime && t.mode === 'root') expectOk(r);
    else expectFail(r, otherRuntime ? /\/etc\/passwd: permission denied/ : /\/etc\/passwd.*EEXIST/);
    expect(statSync(`${t.base().root!.path}/etc/passwd`).isFile()).toBe(true);
  });

  it('sysctl keys of the ipc namespace (kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*) are written; "/" works as a separator', async () => {
    const sysctl = { 'kernel.shmmax': '123456789', 'kernel/msgmax': '4321', 'kernel.sem': '250\t32000\t32\t128', 'fs.mqueue.msg_max': '20' };
    const r = expectOk(await runContainer(t, t.args(['cat', '/proc/sys/kernel/shmmax', '/proc/sys/kernel/msgmax', '/proc/sys/kernel/sem', '/proc/sys/fs/mqueue/msg_max'], { linux: { sysctl } })));
    expect(r.stdout.split('\n').slice(0, 4)).toEqual(['123456789', '4321', '250\t32000\t32\t128', '20']);
  });

  if (t.mode === 'root') {
    it('kernel.domainname is written with a uts namespace', async () => {
      const r = expectOk(await runContainer(t, t.args(['cat', '/proc/sys/kernel/domainname'], { linux: { sysctl: { 'kernel.domainname': 'example.test' } } })));
      expect(r.stdout.trim()).toBe('example.test');
    });
  } else {
    it('kernel.domainname in a rootless uts namespace: the kernel keeps /proc/sys/kernel/domainname owned by the host\'s root, so the write fails with EACCES naming the key (as runc)', async () => {
      expectFail(await runContainer(t, t.args(['true'], { linux: { sysctl: { 'kernel.domainname': 'example.test' } } })), otherRuntime ? /open \/proc\/sys\/kernel\/domainname: permission denied/ : /sysctl kernel\.domainname: open(at2)? \/proc\/sys\/kernel\/domainname: EACCES/);
    });
  }

  it('net.* is written with a network namespace of the container\'s own', async () => {
    const config = t.args(['cat', '/proc/sys/net/ipv4/ip_forward'], { linux: { sysctl: { 'net.ipv4.ip_forward': '1' } } });
    if (t.mode === 'rootless') config.linux!.namespaces = [...config.linux!.namespaces!, { type: 'network' }];
    expect(expectOk(await runContainer(t, config)).stdout.trim()).toBe('1');
  });

  it('Docker\'s default: net.ipv4.ip_unprivileged_port_start=0 with /proc/sys in readonlyPaths is written before /proc/sys turns read-only, as with runc', async () => {
    // What dockerd 20.10 sends for a container with its own network namespace (oci/defaults.go).
    const script = 'cat /proc/sys/net/ipv4/ip_unprivileged_port_start; echo 1 > /proc/sys/net/ipv4/ip_forward && echo writable || echo read-only';
    const config = t.args(['sh', '-c', script], {
      linux: {
        sysctl: { 'net.ipv4.ip_unprivileged_port_start': '0' },
        readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
        maskedPaths: ['/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/timer_list', '/sys/firmware'],
      },
    });
    if (t.mode === 'rootless') config.linux!.namespaces = [...config.linux!.namespaces!, { type: 'network' }];
    const bundle = t.bundle(config);
    const ours = expectOk(await t.tsrun(['run', t.id('docker-sysctl'), '-b', bundle]));
    const runc = expectOk(await t.runc(['run', t.id('docker-sysctl'), '-b', bundle]));
    expect(ours.stdout.split('\n').map((l) => l.trim())).toEqual(['0', 'read-only', '']);
    expect(ours.stdout).toBe(runc.stdout);
  });

  const refused: [name: string, sysctl: Record<string, string>, drop: string | undefined, message: RegExp][] = [
    ['net.* without a network namespace', { 'net.ipv4.ip_forward': '1' }, 'network', /\/linux\/sysctl\/net\.ipv4\.ip_forward: sysctl net\.ipv4\.ip_forward needs a network namespace/],
    ['kernel.shmmax without an ipc namespace', { 'kernel.shmmax': '1' }, 'ipc', /\/linux\/sysctl\/kernel\.shmmax: sysctl kernel\.shmmax needs an ipc namespace/],
    ['fs.mqueue.* without an ipc namespace', { 'fs.mqueue.msg_max': '1' }, 'ipc', /needs an ipc namespace/],
    ['kernel.domainname without a uts namespace', { 'kernel.domainname': 'x' }, 'uts', /needs a uts namespace/],
    ['kernel.hostname (it conflicts with the hostname field, as runc)', { 'kernel.hostname': 'x' }, undefined, /conflicts with the hostname field/],
    ['a key of no namespace (kernel.pid_max)', { 'kernel.pid_max': '4096' }, undefined, /kernel\.pid_max is not in a separate kernel namespace/],
  ];
  for (const [name, sysctl, drop, message] of refused) {
    it(`refuses at create ${name}: a ConfigError naming the key and config-linux.md#sysctl, nothing left`, async () => {
      const config = t.args(['true'], { linux: { sysctl } });
      if (drop) config.linux!.namespaces = config.linux!.namespaces!.filter((n) => n.type !== drop);
      if (drop === 'uts') delete config.hostname;
      // runc's wording differs ("not allowed in host network namespace"): it names the key.
      const key = Object.keys(sysctl)[0];
      const r = expectFail(await runContainer(t, config), otherRuntime ? new RegExp(`sysctl \\W+${key.replace(/\./g, '\\.')}\\W`) : message);
      if (!otherRuntime) expect(r.stderr).toContain('config-linux.md#sysctl');
    });
  }
});
