// The systemd cgroup driver (--systemd-cgroup) on the guest's systemd: a transient scope
// <prefix>-<name>.scope in the slice of linux.cgroupsPath, its limits as unit properties that
// the cgroup files agree with, update through the unit, delete leaves no unit and no cgroup.
// As root on the system bus, rootless on the test user's own systemd; runc alongside.
import { beforeAll, expect, it } from 'vitest';
import { asTestUser, catFiles, cli, describeVm, guest, keyValues, q, RUNTIMES, startUserManager, vmBundle } from './guest.js';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { nodeBin, tsrunJs, type Mode } from '../helpers/host.js';

const SHOW = 'MemoryMax,TasksMax,ActiveState,Delegate,Slice,ControlGroup';

for (const mode of ['root', 'rootless'] as Mode[]) {
  describeVm(`vm tier: --systemd-cgroup, ${mode}${mode === 'rootless' ? " (the test user's systemd, user@<uid>.service)" : ' (the system bus)'}`, () => {
    let uid = 0;
    beforeAll(async () => {
      if (mode === 'rootless') uid = await startUserManager();
    });
    for (const rt of RUNTIMES) {
      it(`${rt}: run with cgroupsPath ${mode === 'root' ? 'system' : 'user'}.slice:tsrun:demo makes tsrun-demo.scope with MemoryMax/TasksMax, the cgroup files agree, update goes through the unit, delete leaves no unit and no cgroup`, async () => {
        const slice = mode === 'root' ? 'system.slice' : 'user.slice';
        const id = `sd-${rt}`;
        const b = vmBundle(mode, {
          process: { args: ['sleep', '300'] },
          linux: { cgroupsPath: `${slice}:tsrun:demo`, resources: { memory: { limit: 64 << 20 }, pids: { limit: 42 } } },
        });
        const systemctl = mode === 'root' ? 'systemctl' : asTestUser('systemctl --user');
        const tsrunCli = cli(rt, { mode, systemd: true });
        const r = await guest(`set -e
${tsrunCli} run -d -b ${q(b)} ${id} </dev/null >/dev/null
${systemctl} show tsrun-demo.scope -p ${SHOW} | sed 's/^/unit./'
cg=/sys/fs/cgroup$(${systemctl} show tsrun-demo.scope -p ControlGroup --value)
${catFiles('$cg', ['memory.max', 'pids.max', 'cgroup.procs'])}
${tsrunCli} update --memory 33554432 --pids-limit 7 ${id}
echo "updated=$(${systemctl} show tsrun-demo.scope -p MemoryMax --value) $(${systemctl} show tsrun-demo.scope -p TasksMax --value) $(cat $cg/memory.max) $(cat $cg/pids.max)"
${tsrunCli} delete -f ${id}
echo "unit=$(${systemctl} show tsrun-demo.scope -p LoadState --value)"
echo "cgroup=$(test -e $cg && echo left || echo gone)"`);
        // runc hands its default device rules to systemd (DeviceAllow=) and warns about the one the
        // guest lacks (/dev/net/tun); tsrun keeps device rules in its own eBPF program.
        expect(rt === 'runc' ? r.stderr.replace(/^time=.* level=warning msg="skipping device .*\n/gm, '') : r.stderr).toBe('');
        expect(r.code).toBe(0);
        const kv = keyValues(r.stdout);
        const base = mode === 'root' ? '' : `/user.slice/user-${uid}.slice/user@${uid}.service`;
        expect(kv).toMatchObject({
          'unit.MemoryMax': String(64 << 20),
          'unit.TasksMax': '42',
          'unit.ActiveState': 'active',
          'unit.Delegate': 'yes',
          'unit.Slice': slice,
          'unit.ControlGroup': `${base}/${slice}/tsrun-demo.scope`,
          'memory.max': String(64 << 20),
          'pids.max': '42',
          updated: `${32 << 20} 7 ${32 << 20} 7`,
          unit: 'not-found',
          cgroup: 'gone',
        });
        expect(kv['cgroup.procs']).toMatch(/^\d+$/);
      });
    }
  });
}

describeVm('vm tier: features reports the systemd driver where it works', () => {
  type Features = { linux: { cgroup: Record<string, boolean> } };
  it('systemd and systemdUser: true in the guest (systemd as PID 1 on cgroup v2, busctl, the user bus for the user); on the host only when it has all that too', async () => {
    await startUserManager();
    const r = await guest(`${cli('tsrun')} features; ${cli('tsrun', { mode: 'rootless' })} features`);
    expect(r.code).toBe(0);
    const [root, user] = r.stdout.split(/\n(?=\{)/).map((j) => (JSON.parse(j) as Features).linux.cgroup);
    expect(root).toMatchObject({ v2: true, systemd: true, systemdUser: false });
    expect(user).toMatchObject({ systemd: true, systemdUser: true });
    const host = (JSON.parse(execFileSync(nodeBin, [tsrunJs, 'features'], { encoding: 'utf8' })) as Features).linux.cgroup;
    const hostHas = existsSync('/run/systemd/system') && existsSync('/sys/fs/cgroup/cgroup.controllers');
    expect(host.systemd).toBe(hostHas);
  });
});
