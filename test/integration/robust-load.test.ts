// Load (issue 7, point 5): bench/soak.ts (dist/soak.js) runs 200 containers one after the
// other through the runtime's library API in one process, then 50 `tsrun run` at once, as the
// tier's user, and reports what was left: fds of its own process, zombie and live children
// (it is their subreaper), state dirs, cgroups and mounts of its own container ids. This test
// runs it with its own --root and id prefix, so nothing another engineer runs is counted.
import { execa } from 'execa';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { isRoot, nodeBin, poll, repoRoot, runnerOf } from '../helpers/host.js';
import { adoptOrphans, liveDescendants } from '../helpers/leftovers.js';
import { forEachMode } from '../helpers/modes.js';

const SEQUENTIAL = 200;
const PARALLEL = 50;

interface Report {
  sequential: number;
  parallel: number;
  failures: string[];
  fdsBefore: number;
  fdsAfter: number;
  leakedFds: string[];
  zombies: string[];
  strays: string[];
  stateDirs: string[];
  cgroups: string[];
  mounts: string[];
}

beforeAll(() => adoptOrphans());

forEachMode((t) => {
  it(`${SEQUENTIAL} sequential runs in one process and ${PARALLEL} parallel runs leave no fd, zombie, process, state dir, cgroup or mount`, { timeout: 600_000 }, async () => {
    const root = join(t.scratch(), 'soak-root');
    const prefix = `soak-${t.mode}-${process.pid}`;
    const argv = [join(repoRoot, 'dist', 'soak.js'), '--root', root, '--bundle', t.bundle(t.args(['true'])), '--sequential', String(SEQUENTIAL), '--parallel', String(PARALLEL), '--prefix', prefix];
    const { uid, gid } = runnerOf(t.mode);
    const [file, args] = t.mode === 'rootless' && isRoot ? ['setpriv', [`--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--', nodeBin, ...argv]] : [nodeBin, argv];
    const r = await execa(file, args, { reject: false, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' }, extendEnv: false, cwd: t.scratch() });
    expect(r.exitCode, `${r.stderr}\n${r.stdout}`).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    const strays = (await poll(() => liveDescendants().length === 0, 5000)) ? [] : liveDescendants();
    console.log(
      `[${t.mode}] sequential runs: ${report.sequential}, parallel runs: ${report.parallel}, failed: ${report.failures.length}, ` +
        `fds before/after: ${report.fdsBefore}/${report.fdsAfter}, leaked fds: ${report.leakedFds.length}, zombies: ${report.zombies.length}, ` +
        `stray processes: ${report.strays.length + strays.length}, state dirs: ${report.stateDirs.length}, cgroups: ${report.cgroups.length}, mounts: ${report.mounts.length}`,
    );
    expect(report).toMatchObject({ sequential: SEQUENTIAL, parallel: PARALLEL, failures: [], leakedFds: [], zombies: [], strays: [], stateDirs: [], cgroups: [], mounts: [] });
    expect(strays).toEqual([]);
    expect(existsSync(root) ? readdirSync(root) : []).toEqual([]);
  });
});
