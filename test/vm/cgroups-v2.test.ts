// The cgroupfs driver on a real unified hierarchy (the host this project runs on is v1): every
// limit lands in its v2 file, pause/resume through cgroup.freeze, delete kills what is left and
// removes the cgroup, the OOM killer is counted. Each test runs with tsrun and with runc (the
// oracle) in the same guest and expects the same files.
import { expect, it } from 'vitest';
import { catFiles, cli, describeVm, guest, keyValues, q, RUNTIMES, statsThenDelete, vmBundle } from './guest.js';

const CG = '/sys/fs/cgroup';

describeVm('vm tier: cgroup v2 with the cgroupfs driver, as root (rootless limits need a delegated subtree: the --systemd-cgroup rootless tier has them)', () => {
  for (const rt of RUNTIMES) {
    it(`${rt}: memory, pids and cpu limits land in memory.max/low/swap.max, pids.max, cpu.weight, cpu.max; events --stats reads them back`, async () => {
      const id = `v2-res-${rt}`;
      const path = `/vmtest/${id}`;
      const b = vmBundle('root', {
        process: { args: ['sleep', '300'] },
        linux: { cgroupsPath: path, resources: { memory: { limit: 64 << 20, reservation: 32 << 20, swap: 96 << 20 }, pids: { limit: 42 }, cpu: { shares: 512, quota: 50000, period: 100000 } } },
      });
      const r = await guest(`set -e
${cli(rt)} run -d -b ${q(b)} ${id} </dev/null >/dev/null
${catFiles(CG + path, ['memory.max', 'memory.low', 'memory.swap.max', 'pids.max', 'cpu.weight', 'cpu.max', 'cgroup.procs'])}
${statsThenDelete(cli(rt), id, CG + path)}`);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const kv = keyValues(r.stdout);
      expect(kv).toMatchObject({ 'memory.max': String(64 << 20), 'memory.low': String(32 << 20), 'memory.swap.max': String(32 << 20), 'pids.max': '42', 'cpu.weight': '20', 'cpu.max': '50000 100000', gone: 'yes' });
      expect(kv['cgroup.procs']).toMatch(/^\d+$/);
      const stats = JSON.parse(kv.stats) as { data: { memory: { usage: { limit: number } }; pids: { current: number; limit: number } } };
      expect(stats.data.memory.usage.limit).toBe(64 << 20);
      expect(stats.data.pids).toMatchObject({ current: 1, limit: 42 });
    });

    it(`${rt}: pause freezes through cgroup.freeze (cgroup.events frozen 1), resume thaws`, async () => {
      const id = `v2-freeze-${rt}`;
      const dir = `${CG}/vmtest/${id}`;
      const b = vmBundle('root', { process: { args: ['sleep', '300'] }, linux: { cgroupsPath: `/vmtest/${id}` } });
      const r = await guest(`set -e
${cli(rt)} run -d -b ${q(b)} ${id} </dev/null >/dev/null
${cli(rt)} pause ${id}
echo "paused=$(cat ${dir}/cgroup.freeze) $(sed -n 's/^frozen //p' ${dir}/cgroup.events) $(${cli(rt)} state ${id} | grep -o '"status": *"[a-z]*"' | tr -d ' ')"
${cli(rt)} resume ${id}
echo "resumed=$(cat ${dir}/cgroup.freeze) $(sed -n 's/^frozen //p' ${dir}/cgroup.events) $(${cli(rt)} state ${id} | grep -o '"status": *"[a-z]*"' | tr -d ' ')"
${cli(rt)} delete -f ${id}`);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(keyValues(r.stdout)).toMatchObject({ paused: '1 1 "status":"paused"', resumed: '0 0 "status":"running"' });
    });

    it(`${rt}: delete --force kills the exec'd processes too and removes the cgroup; a paused container is deleted as well`, async () => {
      const id = `v2-kill-${rt}`;
      const dir = `${CG}/vmtest/${id}`;
      const b = vmBundle('root', { process: { args: ['sleep', '300'] }, linux: { cgroupsPath: `/vmtest/${id}` } });
      const r = await guest(`set -e
${cli(rt)} run -d -b ${q(b)} ${id} </dev/null >/dev/null
${cli(rt)} exec -d ${id} sleep 301
for i in $(seq 100); do [ "$(wc -l < ${dir}/cgroup.procs)" -ge 2 ] && break; sleep 0.1; done
pids=$(cat ${dir}/cgroup.procs | tr '\\n' ' ')
echo "before=$(echo $pids | wc -w)"
${cli(rt)} pause ${id}
${cli(rt)} delete -f ${id}
alive=0; for p in $pids; do [ -e /proc/$p ] && [ "$(cut -d' ' -f3 /proc/$p/stat)" != Z ] && alive=$((alive+1)); done
echo "alive=$alive"
echo "gone=$(test -e ${dir} && echo no || echo yes)"`);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(keyValues(r.stdout)).toEqual({ before: '2', alive: '0', gone: 'yes' });
    });

    it(`${rt}: a process over memory.max is OOM-killed and memory.events counts it`, async () => {
      const id = `v2-oom-${rt}`;
      const dir = `${CG}/vmtest/${id}`;
      // dd allocates a 64 MiB buffer under a 16 MiB limit (the guest has no swap); sh survives.
      const b = vmBundle('root', {
        process: { args: ['sh', '-c', 'dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null; echo dd=$? > /dev/null; sleep 300'] },
        linux: { cgroupsPath: `/vmtest/${id}`, resources: { memory: { limit: 16 << 20, swap: 16 << 20 } } },
      });
      const r = await guest(`set -e
${cli(rt)} run -d -b ${q(b)} ${id} </dev/null >/dev/null
for i in $(seq 200); do grep -q '^oom_kill [1-9]' ${dir}/memory.events && break; sleep 0.1; done
echo "oom_kill=$(sed -n 's/^oom_kill //p' ${dir}/memory.events)"
echo "status=$(${cli(rt)} state ${id} | grep -o '"status": *"[a-z]*"' | tr -d ' ')"
${cli(rt)} delete -f ${id}`);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(keyValues(r.stdout)).toEqual({ oom_kill: '1', status: '"status":"running"' });
    });
  }
});
