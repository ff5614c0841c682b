// Soak: many containers through one long-lived runtime process, then count what was left.
// Bundled to dist/soak.js (scripts/bundle.mjs); test/integration/robust-load.test.ts runs it as
// root and rootless with the issue's counts, `npm run soak` by hand.
//
//   node dist/soak.js --root DIR --bundle DIR [--sequential 200] [--parallel 50] [--prefix soak]
//
// - sequential: `run` (create, start, wait, delete) through the library API, in this process,
//   so that an fd the runtime forgets to close (sync socket, pidfd, lock, memfd) piles up here;
// - parallel: that many `tsrun run` CLI processes at once.
// This process is a child subreaper (prctl(2)), so a process any run leaves behind comes back
// to it: zombies and live strays are counted among its own children. Prints one JSON report.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { setChildSubreaper } from '../src/native/index.js';
import { packageRoot } from '../src/native/paths.js';
import { run } from '../src/runtime/run.js';

interface Options {
  root: string;
  bundle: string;
  sequential: number;
  parallel: number;
  prefix: string;
}

function parseArgs(argv: string[]): Options {
  const get = (name: string, dflt?: string): string => {
    const i = argv.indexOf(`--${name}`);
    const v = i >= 0 ? argv[i + 1] : dflt;
    if (v === undefined) throw new Error(`soak: --${name} is required`);
    return v;
  };
  return { root: get('root'), bundle: get('bundle'), sequential: Number(get('sequential', '200')), parallel: Number(get('parallel', '50')), prefix: get('prefix', 'soak') };
}

/** This process's open fds as "n -> target". */
function openFds(): Set<string> {
  const out = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      out.add(`${fd} -> ${readlinkSync(`/proc/self/fd/${fd}`)}`);
    } catch {
      /* the fd of the directory listing itself */
    }
  }
  return out;
}

/** Children of this process by state (zombies are 'Z'). */
function children(): { pid: number; state: string; comm: string }[] {
  const out: { pid: number; state: string; comm: string }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[1]) === process.pid) out.push({ pid: Number(name), state: rest[0], comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) });
    } catch {
      /* gone */
    }
  }
  return out;
}

/** What is left of the soak's containers: state dirs, cgroup dirs (default cgroupsPath /tsrun/<id>), mounts under the rootfs. */
function leftovers(opts: Options, rootfs: string): { stateDirs: string[]; cgroups: string[]; mounts: string[] } {
  const mine = (name: string) => name.startsWith(`${opts.prefix}-`);
  const stateDirs = existsSync(opts.root) ? readdirSync(opts.root).filter(mine) : [];
  const cgroups: string[] = [];
  for (const h of ['', ...readdirSync('/sys/fs/cgroup')]) {
    const dir = join('/sys/fs/cgroup', h, 'tsrun');
    if (existsSync(dir)) cgroups.push(...readdirSync(dir).filter(mine).map((n) => join(dir, n)));
  }
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((m) => m === rootfs || m.startsWith(`${rootfs}/`));
  return { stateDirs, cgroups, mounts };
}

function cliRun(opts: Options, id: string): Promise<number | null> {
  const tsrun = join(packageRoot, 'dist', 'tsrun.js');
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [tsrun, '--root', opts.root, 'run', '-b', opts.bundle, id], { stdio: ['ignore', 'ignore', 'inherit'] });
    p.on('exit', (code) => resolve(code));
  });
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  setChildSubreaper();
  const rootfs = JSON.parse(readFileSync(join(opts.bundle, 'config.json'), 'utf8')).root.path as string;
  const runOpts = (id: string) => ({ root: opts.root, id, bundle: opts.bundle, detach: false });
  const failures: string[] = [];

  // One run first: lazily opened things (the addon, the log) are not leaks.
  if ((await run(runOpts(`${opts.prefix}-warmup`))) !== 0) failures.push('warmup run failed');
  const before = openFds();
  for (let i = 0; i < opts.sequential; i++) {
    const code = await run(runOpts(`${opts.prefix}-s${i}`));
    if (code !== 0) failures.push(`sequential run ${i}: exit ${code}`);
  }
  const after = openFds();
  const leakedFds = [...after].filter((f) => !before.has(f));

  const codes = await Promise.all(Array.from({ length: opts.parallel }, (_, i) => cliRun(opts, `${opts.prefix}-p${i}`)));
  codes.forEach((c, i) => c !== 0 && failures.push(`parallel run ${i}: exit ${c}`));

  const left = children();
  const report = {
    sequential: opts.sequential,
    parallel: opts.parallel,
    failures,
    fdsBefore: before.size,
    fdsAfter: after.size,
    leakedFds,
    zombies: left.filter((c) => c.state === 'Z').map((c) => `${c.pid} ${c.comm}`),
    strays: left.filter((c) => c.state !== 'Z').map((c) => `${c.pid} ${c.comm}`),
    ...leftovers(opts, rootfs),
  };
  process.stdout.write(JSON.stringify(report) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`soak: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
