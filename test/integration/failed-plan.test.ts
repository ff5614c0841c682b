// A plan that fails after tsrun-init cloned the container process (a mount the kernel refuses:
// tmpfs size=xyz, EINVAL) must leave no process, alive or zombie. Once the init has exited, the
// container process is the child of a runtime that is a child subreaper (the library's run, as
// `tsrun run` in the foreground): the runtime kills it and reaps it, as runc reaps its own init.
// Seen in a long-lived library process, which stays the zombies' parent (a finished CLI hands
// them to its adopter, which reaps them): a script drives the library and reports its children.
import { execa } from 'execa';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { isRoot, nodeBin, repoRoot, runnerOf } from '../helpers/host.js';
import { forEachMode } from '../helpers/modes.js';

const otherRuntime = process.env.TSRUN_TEST_RUNTIME;

const SCRIPT = `
import { Runtime } from ${JSON.stringify(join(repoRoot, 'dist', 'lib', 'tsrun.mjs'))};
import { readdirSync, readFileSync } from 'node:fs';
const [root, bundle, prefix] = process.argv.slice(2);
const rt = new Runtime({ root });
const errors = [];
for (let i = 0; i < 3; i++) {
  try {
    await rt.run(prefix + i, { bundle });
    errors.push('run ' + i + ' succeeded');
  } catch (e) {
    errors.push(e.message);
  }
}
const stat = (p) => { try { return readFileSync('/proc/' + p + '/stat', 'utf8'); } catch { return ''; } };
const children = readdirSync('/proc').filter((p) => /^[0-9]+$/.test(p)).map(stat)
  .filter((s) => s && Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]) === process.pid)
  .map((s) => s.slice(0, s.lastIndexOf(')') + 3));
console.log(JSON.stringify({ errors, children }));
`;

forEachMode((t) => {
  it.skipIf(otherRuntime)(
    `the library's run of a config whose tmpfs mount the kernel refuses (after the clone): fails naming the mount, its process keeps no child, alive or zombie${otherRuntime ? ` (SKIPPED: ${otherRuntime} has no library API)` : ''}`,
    async () => {
      const config = t.args(['true']);
      config.mounts = [...(config.mounts ?? []), { destination: '/x', type: 'tmpfs', source: 'tmpfs', options: ['size=xyz'] }];
      const script = join(t.scratch(), 'failed-plan.mjs');
      writeFileSync(script, SCRIPT);
      const argv = [script, join(t.scratch(), 'failed-plan-root'), t.bundle(config), t.id('failplan')];
      const { uid, gid } = runnerOf(t.mode);
      const [file, args] = t.mode === 'rootless' && isRoot ? ['setpriv', [`--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--', nodeBin, ...argv]] : [nodeBin, argv];
      const r = await execa(file, args, { reject: false, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' }, extendEnv: false, cwd: t.scratch() });
      expect(r.exitCode, `${r.stderr}\n${r.stdout}`).toBe(0);
      const report = JSON.parse(r.stdout) as { errors: string[]; children: string[] };
      expect(report.errors).toHaveLength(3);
      for (const e of report.errors) expect(e).toMatch(/\/mounts\/\d+: mount \/x.*EINVAL/);
      expect(report.children).toEqual([]);
    },
  );
});
