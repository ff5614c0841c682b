// The VM tier's guest is the host it promises: systemd as PID 1 on a pure cgroup v2 hierarchy
// with every controller, the checkout and runc reachable, tsrun runs a container.
import { expect, it } from 'vitest';
import { cli, describeVm, guest, q, RUNTIMES, vmBundle } from './guest.js';

describeVm('vm tier: the guest', () => {
  it('runs systemd as PID 1 on a pure cgroup v2 hierarchy with the memory, pids, cpu, io and cpuset controllers', async () => {
    const r = await guest('cat /proc/1/comm; stat -fc %T /sys/fs/cgroup; cat /sys/fs/cgroup/cgroup.controllers; grep -c " cgroup " /proc/self/mountinfo || true');
    expect(r.code).toBe(0);
    const [comm, fstype, controllers, v1Mounts] = r.stdout.trim().split('\n');
    expect(comm).toBe('systemd');
    expect(fstype).toBe('cgroup2fs');
    expect(controllers.split(' ')).toEqual(expect.arrayContaining(['cpuset', 'cpu', 'io', 'memory', 'pids', 'hugetlb']));
    expect(v1Mounts).toBe('0');
  });

  for (const rt of RUNTIMES) {
    it(`${rt} runs a container in the guest and returns its exit code`, async () => {
      const b = vmBundle('root', { process: { args: ['sh', '-c', 'cat /proc/self/cgroup; exit 3'] } });
      const r = await guest(`${cli(rt)} run -b ${q(b)} vm-boot-${rt}`);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(3);
      // A cgroup namespace is not asked for: the container sees its path from the root.
      expect(r.stdout.trim()).toMatch(/^0::\/.*vm-boot-/);
    });
  }
});
