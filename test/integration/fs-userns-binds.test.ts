// Bind mounts in a new user namespace whose source the container's root cannot reach (issue 12
// item 6): below a 0700 directory of the runtime's user, with container root mapped to another
// host uid. runc (1.1 libcontainer mountFds, nsexec send_mountsources) opens such sources before
// the container's credentials apply; so does tsrun. The destination is still resolved inside
// the rootfs (fs-resolve.test.ts, security.test.ts).
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { Mount } from '../../src/spec/types.js';
import { mountAt, runContainer } from '../helpers/fs.js';
import { otherRuntime, runnerOf } from '../helpers/host.js';
import { forEachMode } from '../helpers/modes.js';
import { expectOk, show } from '../helpers/tsrun.js';

/** Container 0..65535 on host 200000..: root's free range, and tsrun-test's /etc/subuid range. */
const MAPS = [{ containerID: 0, hostID: 200000, size: 65536 }];

forEachMode((t) => {
  const runner = runnerOf(t.mode);
  /** `<scratch>/secret-N` (0700, the runner's) holding data/file (0755/0644) and note (0644). */
  function secretDir(): string {
    const secret = join(t.scratch(), `secret-${Math.random().toString(36).slice(2)}`);
    mkdirSync(join(secret, 'data'), { recursive: true, mode: 0o755 });
    writeFileSync(join(secret, 'data', 'file'), 'from data\n', { mode: 0o644 });
    writeFileSync(join(secret, 'note'), 'a note\n', { mode: 0o644 });
    for (const path of [secret, join(secret, 'data'), join(secret, 'data', 'file'), join(secret, 'note')]) chownSync(path, runner.uid, runner.gid);
    chmodSync(secret, 0o700);
    return secret;
  }
  const inUserns = (args: string[], mounts: Mount[]) => {
    const namespaces = [...t.base().linux!.namespaces!.filter((n) => n.type !== 'user'), { type: 'user' as const }];
    const config = t.args(args, { linux: { namespaces, uidMappings: MAPS, gidMappings: MAPS } });
    config.mounts = [...config.mounts!, ...mounts];
    return config;
  };

  const runcCannot = otherRuntime && t.mode === 'rootless' ? ' — SKIPPED with runc 1.1 rootless: it fails "fchown fd 7: operation not permitted" before any mount when container root is not the runner' : '';
  it.skipIf(!!runcCannot)(`a directory and a file below a 0700 directory of the runtime's user are bound in a user namespace whose root is another uid${runcCannot}`, async () => {
    const secret = secretDir();
    const config = inUserns(['sh', '-c', 'id -u; cat /mnt/file /etc/hosts; cat /proc/self/mountinfo; echo fds:; ls /proc/$$/fd; true'], [
      { destination: '/mnt', type: 'bind', source: join(secret, 'data'), options: ['rbind', 'ro'] },
      { destination: '/etc/hosts', type: 'bind', source: join(secret, 'note'), options: ['bind', 'ro'] },
    ]);
    const r = expectOk(await runContainer(t, config));
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 3), show(r)).toEqual(['0', 'from data', 'a note']);
    expect(mountAt(r.stdout, '/mnt').options).toContain('ro');
    expect(mountAt(r.stdout, '/etc/hosts').options).toContain('ro');
    // The sources were opened by the runtime: none of those fds reaches the container.
    const fds = lines.slice(lines.indexOf('fds:') + 1).filter(Boolean);
    expect(fds, show(r)).toEqual(['0', '1', '2']);
  });

  it.skipIf(!!runcCannot)(`the container's root itself cannot read that 0700 directory (what makes the bind above need the runtime's side)${runcCannot}`, async () => {
    const secret = secretDir();
    const r = expectOk(await runContainer(t, inUserns(['sh', '-c', 'id -u; ls /mnt 2>&1; true'], [{ destination: '/mnt', type: 'bind', source: secret, options: ['rbind'] }])));
    expect(r.stdout, show(r)).toMatch(/^0\n.*Permission denied/s);
  });
});
