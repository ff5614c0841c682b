// The rest of linux.resources on the guest's real v2 controllers with the cgroupfs driver: io
// (io.bfq.weight, io.max on loop devices of the guest: it has no disk), cpuset, hugetlb, unified
// key/values, the eBPF device program against real block devices, a cgroup namespace, and the
// `events --stats` fields read from those files. Then rootless: a delegated scope of the test
// user's systemd (systemd-run --user --scope -p Delegate=yes) where memory/pids limits work
// without root. Each test runs with tsrun and with runc (the oracle) in the same guest.
import { beforeAll, expect, it } from 'vitest';
import { baseMounts, tmpfsMount } from '../helpers/config.js';
import { asTestUser, catFiles, cli, describeVm, guest, keyValues, q, type Runtime, RUNTIMES, startUserManager, statsThenDelete, vmBundle } from './guest.js';

const CG = '/sys/fs/cgroup';
type Dev = { major: number; minor: number };

/** Three loop devices on tmpfs files (the guest has no block device of its own), bfq on the first. */
async function loopDevices(): Promise<[Dev, Dev, Dev]> {
  const r = await guest(`set -e
modprobe loop; modprobe bfq
for n in a b c; do
  f=/run/vmtest-loop-$n.img; truncate -s 8M $f
  d=$(losetup -j $f | cut -d: -f1); [ -n "$d" ] || d=$(losetup -f --show $f)
  cat /sys/block/\${d#/dev/}/dev
done
echo bfq > /sys/block/$(losetup -j /run/vmtest-loop-a.img | cut -d: -f1 | cut -d/ -f3)/queue/scheduler`);
  expect(r.code, r.stderr).toBe(0);
  const devs = r.stdout.trim().split('\n').map((l) => ({ major: Number(l.split(':')[0]), minor: Number(l.split(':')[1]) }));
  expect(devs).toHaveLength(3);
  return devs as [Dev, Dev, Dev];
}

describeVm('vm tier: io, cpuset, hugetlb, unified, devices, cgroup namespace and stats on real v2 controllers, as root (the loop devices and device rules need root)', () => {
  let loop: [Dev, Dev, Dev];
  beforeAll(async () => {
    loop = await loopDevices();
  });
  for (const rt of RUNTIMES) {
    it(`${rt}: io.bfq.weight/io.max, cpuset.cpus/mems, hugetlb.2MB.max and unified keys land in their files; an allowed device reads, a bind-mounted one without a rule fails EPERM (and a linux.devices node without a rule: readable in tsrun, spec "MUST be available"; EPERM in runc 1.1.5); /proc/self/cgroup is 0::/; events --stats reads cpu, memory, pids, io and hugetlb`, async () => {
      const [a, b, c] = loop;
      const id = `v2-more-${rt}`;
      const path = `/vmtest/${id}`;
      const dev = (d: Dev) => `${d.major}:${d.minor}`;
      const readDev = (name: string) => `head -c 4096 /dev/${name} > /tmp/x 2>/tmp/err; echo "${name}=$? $(wc -c < /tmp/x) $(sed 's/.*: //' /tmp/err)"`;
      const bundle = vmBundle('root', {
        process: { args: ['sh', '-c', `cat /proc/self/cgroup | sed 's/^/cgroupns=/'; grep Cpus_allowed_list /proc/self/status | sed 's/.*:\\s*/cpus_allowed=/'; ${readDev('allowed')}; ${readDev('denied')}; ${readDev('created')}; echo ready; sleep 300`] },
        mounts: [...baseMounts('root'), tmpfsMount('/tmp'), { destination: '/dev/denied', type: 'bind', source: `/dev/loop${b.minor}`, options: ['bind'] }],
        linux: {
          cgroupsPath: path,
          namespaces: [{ type: 'pid' }, { type: 'network' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }, { type: 'cgroup' }],
          devices: [
            { path: '/dev/allowed', type: 'b', ...a, fileMode: 0o660 },
            { path: '/dev/created', type: 'b', ...c, fileMode: 0o660 },
          ],
          resources: {
            devices: [{ allow: false, access: 'rwm' }, { allow: true, type: 'b', ...a, access: 'rw' }],
            blockIO: { weight: 300, weightDevice: [{ ...a, weight: 200 }], throttleReadBpsDevice: [{ ...a, rate: 1 << 20 }], throttleWriteIOPSDevice: [{ ...a, rate: 100 }] },
            cpu: { cpus: '1', mems: '0' },
            hugepageLimits: [{ pageSize: '2MB', limit: 4 << 21 }],
            unified: { 'memory.high': String(48 << 20), 'cpu.idle': '1' },
          },
        },
      });
      const r = await guest(`set -e
${cli(rt)} run -d -b ${q(bundle)} ${id} </dev/null >/run/${id}.out
for i in $(seq 300); do grep -q ready /run/${id}.out && break; sleep 0.1; done
cat /run/${id}.out
${catFiles(CG + path, ['io.bfq.weight', 'io.max', 'cpuset.cpus', 'cpuset.mems', 'cpuset.cpus.effective', 'hugetlb.2MB.max', 'memory.high', 'cpu.idle'])}
${statsThenDelete(cli(rt), id, CG + path)}`);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const kv = keyValues(r.stdout);
      expect(kv).toMatchObject({
        cgroupns: '0::/',
        cpus_allowed: '1',
        allowed: '0 4096 ',
        denied: '1 0 Operation not permitted',
        created: rt === 'tsrun' ? '0 4096 ' : '1 0 Operation not permitted',
        'io.bfq.weight': `default 300 ${dev(a)} 200`,
        'io.max': `${dev(a)} rbps=${1 << 20} wbps=max riops=max wiops=100`,
        'cpuset.cpus': '1',
        'cpuset.mems': '0',
        'cpuset.cpus.effective': '1',
        'hugetlb.2MB.max': String(4 << 21),
        'memory.high': String(48 << 20),
        'cpu.idle': '1',
        gone: 'yes',
      });
      type Entry = { major: number; minor?: number; op: string; value?: number };
      const stats = JSON.parse(kv.stats) as {
        data: {
          cpu: { usage: { total: number; user: number; kernel: number } };
          memory: { cache: number; usage: { usage: number }; raw: Record<string, number> };
          pids: { current: number };
          blkio: { ioServiceBytesRecursive: Entry[]; ioServicedRecursive: Entry[] };
          hugetlb: Record<string, { failcnt: number; usage?: number }>;
        };
      };
      const d = stats.data;
      // cpu.stat's usage_usec, user_usec and system_usec, in ns: the sum agrees to a few µs of rounding.
      expect(d.cpu.usage.user).toBeGreaterThan(0);
      expect(d.cpu.usage.kernel).toBeGreaterThan(0);
      expect(Math.abs(d.cpu.usage.total - d.cpu.usage.user - d.cpu.usage.kernel)).toBeLessThanOrEqual(5000);
      expect(d.memory.usage.usage).toBeGreaterThan(0);
      expect(d.memory.raw.anon).toBeGreaterThan(0);
      expect(d.memory.cache).toBe(d.memory.raw.file);
      expect(d.pids.current).toBe(1);
      // runc leaves out zero fields (minor 0, value 0): compare with their defaults.
      const read = (list: Entry[]) => list.find((e) => e.major === a.major && (e.minor ?? 0) === a.minor && e.op === 'Read')?.value ?? 0;
      expect(read(d.blkio.ioServiceBytesRecursive)).toBeGreaterThanOrEqual(4096);
      expect(read(d.blkio.ioServicedRecursive)).toBeGreaterThan(0);
      expect(Object.keys(d.hugetlb).sort()).toEqual(['1GB', '2MB']);
      expect(d.hugetlb['2MB']).toMatchObject({ failcnt: 0 });
      expect(d.hugetlb['2MB'].usage ?? 0).toBe(0);
    });
  }
});

/** The rootless command line of `rt` run by the test user itself (cli() without its setpriv prefix). */
const userCli = (rt: Runtime): string => cli(rt, { mode: 'rootless' }).slice(asTestUser('').length);

describeVm("vm tier: the cgroupfs driver rootless, in a delegated scope of the test user's systemd (systemd-run --user --scope -p Delegate=yes)", () => {
  beforeAll(async () => {
    await startUserManager();
  });
  for (const rt of RUNTIMES) {
    it(`${rt}: memory/pids limits without root: the container's cgroup under the scope gets memory.max and pids.max, events --stats reads them, delete removes it`, async () => {
      const id = `v2-rootless-${rt}`;
      const bundle = vmBundle('rootless', {
        process: { args: ['sleep', '300'] },
        linux: { cgroupsPath: '@CGROUP@', resources: { memory: { limit: 64 << 20 }, pids: { limit: 42 } } },
      });
      // In the scope: the shell moves itself to a leaf (no internal processes: the scope then
      // may enable controllers for the container's cgroup beside it), the config gets that path.
      const script = `set -e
own=$(sed -n 's/^0:://p' /proc/self/cgroup); cg=/sys/fs/cgroup$own
mkdir $cg/runtime && echo $$ > $cg/runtime/cgroup.procs
b=/tmp/${id}; mkdir -p $b
sed "s#@CGROUP@#$own/ctr#" ${q(bundle)}/config.json > $b/config.json
${userCli(rt)} run -d -b $b ${id} </dev/null >/dev/null
echo "delegated=$(cat $cg/cgroup.controllers)"
${catFiles('$cg/ctr', ['memory.max', 'pids.max', 'cgroup.procs'])}
${statsThenDelete(userCli(rt), id, '$cg/ctr')}`;
      const r = await guest(`cd /tmp; ${asTestUser(`systemd-run --user --scope -p Delegate=yes --quiet bash -c ${q(script)}`)}`);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const kv = keyValues(r.stdout);
      expect(kv).toMatchObject({ 'memory.max': String(64 << 20), 'pids.max': '42', gone: 'yes' });
      expect(kv.delegated.split(' ')).toEqual(expect.arrayContaining(['memory', 'pids']));
      expect(kv['cgroup.procs']).toMatch(/^\d+$/);
      const stats = JSON.parse(kv.stats) as { data: { memory: { usage: { limit: number } }; pids: { current: number; limit: number } } };
      expect(stats.data.memory.usage.limit).toBe(64 << 20);
      expect(stats.data.pids).toMatchObject({ current: 1, limit: 42 });
    });
  }
});
