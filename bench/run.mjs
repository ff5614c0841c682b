#!/usr/bin/env node
// `npm run bench` (as root): tsrun against runc (and crun when it can run here, through a
// measured wrapper on a cgroup v1 hybrid host), interleaved A B A B on the same busybox bundle,
// with Node's floor measured in the same run. Plain Node, no dependencies; /usr/bin/time for
// peak RSS, `perf trace` (when installed) for the init path.
//   BENCH_N=30 sequential iterations, BENCH_PARALLEL=20 containers x BENCH_PAR_ROUNDS=3,
//   BENCH_MEM_N=5 peak-RSS and BENCH_INIT_N=10 init-path iterations, TSRUN=path of the CLI.
//   --quick (or BENCH_QUICK=1): the bounded count CI runs (N=5, 1 parallel round, 2 memory and
//   init-path runs; under a minute here); an explicit BENCH_* still wins.
// The last lines are one PASS/MISS per target of issue 16; a MISS never changes the exit status.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, openSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const T0 = Date.now();
const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
const num = (name, dflt, quick) => Math.max(1, Number.parseInt(process.env[name] ?? '', 10) || (QUICK ? quick : dflt));
const N = num('BENCH_N', 30, 5);
const PAR = num('BENCH_PARALLEL', 20, 20);
const PAR_ROUNDS = num('BENCH_PAR_ROUNDS', 3, 1);
const MEM_N = num('BENCH_MEM_N', 5, 2);
const INIT_N = num('BENCH_INIT_N', 10, 2);
const TSRUN = resolve(process.env.TSRUN ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'tsrun.js'));

if (process.getuid?.() !== 0) {
  console.error('bench: run as root (runc and tsrun are compared as root): sudo npm run bench');
  process.exit(2);
}
if (!existsSync(TSRUN)) {
  console.error(`bench: ${TSRUN} not found: npm run build`);
  process.exit(2);
}

// Every timed command runs without NODE_EXTRA_CA_CERTS (this machine sets it: ~90 ms per Node
// start) or any other NODE_* variable: the figures are the runtimes' own.
const ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NODE_') && k !== 'TSRUN_DEBUG'));
const which = (cmd) => ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'].map((d) => join(d, cmd)).find(existsSync);
const NODE = /^#!(\S+)/.exec(readFileSync(TSRUN, 'utf8'))?.[1] ?? process.execPath;

const TMP = mkdtempSync(join(tmpdir(), 'tsrun-bench-'));
const EMPTY = join(TMP, 'empty.cjs'); // dist/tsrun.js is CommonJS: the floor is an empty CommonJS script
writeFileSync(EMPTY, '');
const FLOORS = { 'node -e 0': [NODE, '-e', '0'], 'node empty.cjs': [NODE, EMPTY] };

function bundle(name, args) {
  const dir = join(TMP, name);
  for (const d of ['bin', 'proc', 'dev', 'tmp', 'etc']) mkdirSync(join(dir, 'rootfs', d), { recursive: true });
  copyFileSync(which('busybox') ?? '/bin/busybox', join(dir, 'rootfs/bin/busybox'));
  chmodSync(join(dir, 'rootfs/bin/busybox'), 0o755);
  for (const l of ['true', 'sh', 'sleep']) symlinkSync('busybox', join(dir, 'rootfs/bin', l));
  const caps = ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'];
  const config = {
    ociVersion: '1.0.2', // crun 1.8 refuses later ones ("unknown version specified")
    process: { user: { uid: 0, gid: 0 }, args, env: ['PATH=/bin'], cwd: '/', noNewPrivileges: true, capabilities: { bounding: caps, effective: caps, permitted: caps } },
    root: { path: 'rootfs', readonly: true },
    hostname: 'bench',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'mode=755', 'size=65536k'] },
    ],
    linux: { namespaces: ['pid', 'ipc', 'uts', 'mount', 'network'].map((type) => ({ type })) },
  };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}
const TRUE = bundle('true', ['/bin/true']);
const SLEEP = bundle('sleep', ['/bin/sleep', '1000']);

// ---------------------------------------------------------------- running and recording

// CPU (user+sys, ms) of every child this process has waited for, and of the descendants each of
// them waited for: cutime+cstime of /proc/self/stat (proc(5), fields 16-17, in clock ticks of
// 10 ms; getrusage(RUSAGE_CHILDREN), which Node does not expose). A container's init is its
// runtime's child (run waits for it), so its CPU is counted with the runtime's.
const TICK_MS = 10; // sysconf(_SC_CLK_TCK) is 100 on Linux (USER_HZ)
function childrenCpuMs() {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(f[13]) + Number(f[14])) * TICK_MS; // fields 16 and 17, counted from field 3
}

/** Runs argv to completion; stdout/stderr go to files (a created container keeps them open). */
function exec(argv) {
  const files = [join(TMP, 'out'), join(TMP, 'err')];
  const [out, err] = files.map((f) => openSync(f, 'w'));
  const cpu0 = childrenCpuMs();
  const t = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { env: ENV, stdio: ['ignore', out, err], timeout: 30_000, killSignal: 'SIGKILL' });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const cpu = childrenCpuMs() - cpu0;
  [out, err].forEach((fd) => closeSync(fd));
  const [stdout, stderr] = files.map((f) => readFileSync(f, 'utf8'));
  const why = `${argv.slice(-3).join(' ')}: ${r.error?.message ?? `exit ${r.status}`} ${stderr.trim().split('\n').pop() ?? ''}`;
  return { ok: r.status === 0, ms, cpu, stdout, stderr, why };
}

const samples = {};
const failures = {};
function record(fig, who, r) {
  if (!r.ok) (failures[`${fig} ${who}`] ??= { n: 0, why: r.why }).n++;
  else {
    ((samples[fig] ??= {})[who] ??= []).push(r.ms);
    if (r.cpu !== undefined) ((samples[`cpu ${fig}`] ??= {})[who] ??= []).push(r.cpu);
  }
  return r.ok;
}
const med = (fig, who) => {
  const a = [...(samples[fig]?.[who] ?? [])].sort((x, y) => x - y);
  return a.length ? (a.length % 2 ? a[a.length >> 1] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2) : undefined;
};
/** CPU samples are whole ticks: their mean, not their median, is the figure (the ticks of a series add up exactly). */
const mean = (fig, who) => {
  const a = samples[fig]?.[who] ?? [];
  return a.length ? a.reduce((x, y) => x + y, 0) / a.length : undefined;
};
const f1 = (v) => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(1));

const runtimes = [];
const wrappedRuntimes = () => runtimes.filter((rt) => rt.wrap.length);
let seq = 0;
/** A runtime's commands are argv(...) = [...wrap, ...cmd(...)]; wrap is empty unless the host needs one. */
function addRuntime(name, bin, globals = [], fallback = () => undefined) {
  if (!bin) return console.log(`bench: ${name} is not installed: left out`);
  const root = join(TMP, `root-${name}`);
  const cmd = (...args) => [bin, '--root', root, ...globals, ...args];
  const rt = { name, bin, wrap: [], cmd, argv: (...args) => [...rt.wrap, ...cmd(...args)], id: (what) => `${what}-${process.pid}-${seq++}`, live: new Set() };
  // It must run /bin/true on this host (directly, or else through the fallback's wrapper), or it
  // is left out with its own words.
  let r = exec(rt.argv('run', '-b', TRUE, rt.id('check')));
  const wrapper = r.ok ? undefined : fallback(r.stderr);
  if (wrapper) {
    rt.wrap = wrapper.argv;
    r = exec(rt.argv('run', '-b', TRUE, rt.id('check')));
    if (r.ok) console.log(`bench: ${name} ${(rt.why = wrapper.why)}`);
  }
  if (!r.ok) return console.log(`bench: ${name} cannot run the bundle here, left out: ${r.stderr.trim().split('\n').pop()}`);
  runtimes.push(rt);
}

// crun 1.8 refuses a cgroup v1 hybrid host (cgroup2 mounted beside the v1 controllers) even with
// --cgroup-manager=disabled. Without changing the host, each crun command then runs in a private
// mount namespace of its own from which the cgroup2 mount is gone. Its state lives in --root and
// its containers are found by pid, so create/start/... in separate namespaces work together.
function hybridWrapper(stderr) {
  if (!/cgroups in hybrid mode not supported/.test(stderr)) return undefined;
  // mountinfo (proc(5)): the mount point is field 5; the type follows the "-" that ends the optional fields.
  const cgroup2 = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')).find((f) => f[f.indexOf('-') + 1] === 'cgroup2' && f[4] !== '/sys/fs/cgroup')?.[4];
  const [unshare, sh, umount] = ['unshare', 'sh', 'umount'].map(which);
  if (!cgroup2 || !unshare || !sh || !umount) return undefined;
  return {
    // Absolute paths: no PATH search inside the timed wrapper.
    argv: [unshare, '-m', '--propagation', 'private', sh, '-c', `${umount} -- "$1" && shift && exec "$@"`, 'wrapper', cgroup2],
    why: `refuses this host (cgroups in hybrid mode not supported), so each of its commands runs through a wrapper: unshare -m, umount ${cgroup2} in that private mount namespace (the host is not changed), exec the command. The wrapper's own cost, running /bin/true, is measured in the same run as "wrapper floor".`,
  };
}

function stateOf(rt, id) {
  const r = exec(rt.argv('state', id));
  try {
    return { r, ...JSON.parse(r.stdout) };
  } catch {
    return { r: { ...r, ok: false, why: `state printed no JSON: ${r.stdout.slice(0, 80)}` } };
  }
}
const vmRssKiB = (pid) => Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
function waitDead(pid) {
  for (let i = 0; i < 5000; i++) {
    let st;
    try {
      st = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1][0];
    } catch {
      return;
    }
    if (st === 'Z') return;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
  }
}
function remove(rt, id) {
  const argv = rt.argv('delete', '--force', id);
  spawnSync(argv[0], argv.slice(1), { env: ENV, stdio: 'ignore', timeout: 30_000 });
  rt.live.delete(id);
}

// ---------------------------------------------------------------- the figures

function runOnce(rt) {
  const id = rt.id('run');
  rt.live.add(id);
  record('run', rt.name, exec(rt.argv('run', '-b', TRUE, id)));
  remove(rt, id);
}

/** The engine's split: each phase timed on its own; the waiting init's RSS after create. */
function splitOnce(rt) {
  const id = rt.id('split');
  rt.live.add(id);
  if (record('create', rt.name, exec(rt.argv('create', '-b', SLEEP, id)))) {
    const s = stateOf(rt, id);
    record('list', rt.name, exec(rt.argv('list')));
    if (record('state', rt.name, s.r) && s.pid) {
      record('init RSS', rt.name, { ok: true, ms: vmRssKiB(s.pid) / 1024 });
      if (record('start', rt.name, exec(rt.argv('start', id))) && record('kill', rt.name, exec(rt.argv('kill', id, 'KILL')))) {
        waitDead(s.pid); // an engine waits for the exit between kill and delete
        if (record('delete', rt.name, exec(rt.argv('delete', id)))) rt.live.delete(id);
      }
    }
  }
  if (rt.live.has(id)) remove(rt, id);
}

function spawnAsync(argv) {
  return new Promise((res) => {
    const child = spawn(argv[0], argv.slice(1), { env: ENV, stdio: 'ignore' });
    child.on('error', () => res(false));
    child.on('exit', (code) => res(code === 0));
  });
}
/** PAR `run`s of /bin/true at once (each creates, starts, waits and deletes): wall time until the
 * last one is done, and the CPU of all their processes (containers' included) per container. */
async function parallelOnce(rt) {
  const ids = Array.from({ length: PAR }, () => rt.id('par'));
  ids.forEach((id) => rt.live.add(id));
  const cpu0 = childrenCpuMs();
  const t = process.hrtime.bigint();
  const ok = await Promise.all(ids.map((id) => spawnAsync(rt.argv('run', '-b', TRUE, id))));
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const cpu = (childrenCpuMs() - cpu0) / PAR;
  ids.forEach((id) => remove(rt, id));
  record('parallel', rt.name, { ok: ok.every(Boolean), ms, cpu, why: `${ok.filter((x) => !x).length} of ${PAR} failed` });
}

/** Peak RSS (MiB) of each command through /usr/bin/time -f %M, run inside the wrapper so that
 * the figure is the runtime's own and not the wrapper's shell. */
function peak(fig, who, argv, wrap = []) {
  const file = join(TMP, 'rss');
  const r = exec([...wrap, '/usr/bin/time', '-f', '%M', '-o', file, ...argv]);
  if (r.ok) r.ms = Number(readFileSync(file, 'utf8').trim().split('\n').pop()) / 1024;
  record(`peak ${fig}`, who, r);
}
function memOnce(rt, execId) {
  const id = rt.id('mem');
  rt.live.add(id);
  const p = (fig, ...args) => peak(fig, rt.name, rt.cmd(...args), rt.wrap);
  p('run', 'run', '-b', TRUE, rt.id('memrun'));
  p('create', 'create', '-b', SLEEP, id);
  const { pid } = stateOf(rt, id);
  p('state', 'state', id);
  p('start', 'start', id);
  p('exec', 'exec', execId, '/bin/true');
  p('kill', 'kill', id, 'KILL');
  if (pid) waitDead(pid);
  p('delete', 'delete', id);
  remove(rt, id);
}

// The init path: `perf trace` (tracepoints, the tracee never stops) from where the init begins to
// its pivot_root; and tsrun's own marks from --debug (MSG_TIMESTAMP through the sync socket).
// tsrun and runc exec their init (tsrun from the memfd copy before it); crun never execs one, it
// clones its init straight into the new namespaces, so for crun the start is that clone. (The
// wrapper's own execs come before it and are not counted.)
const PERF = which('perf');
const INIT_START = { crun: /^clone\(clone_flags: [^)]*NEW/ };
const EXEC_START = /^(execve|memfd_create)\(/;
function perfOnce(rt) {
  const id = rt.id('perf');
  const out = join(TMP, 'perf');
  rt.live.add(id);
  const r = exec([PERF, 'trace', '-e', 'execve,memfd_create,clone,pivot_root', '-o', out, '--', ...rt.argv('create', '-b', SLEEP, id)]);
  remove(rt, id);
  if (!r.ok) return record('init path', rt.name, r);
  const events = readFileSync(out, 'utf8').split('\n').map((l) => /^\s*([\d.]+) \(.*?\): \S+ (.*)$/.exec(l)).filter(Boolean);
  const start = events.find((e) => (INIT_START[rt.name] ?? EXEC_START).test(e[2]) && !/ = -1 /.test(e[2]));
  const end = events.find((e) => e[2].startsWith('pivot_root('));
  record('init path', rt.name, start && end ? { ok: true, ms: Number(end[1]) - Number(start[1]) } : { ok: false, why: 'no init start or pivot_root in perf trace output' });
}
const MARK = /init \d+: (.+) at \+([\d.]+) ms$/;
function marksOnce(rt) {
  const id = rt.id('debug');
  rt.live.add(id);
  const r = exec(rt.argv('--debug', 'create', '-b', SLEEP, id));
  remove(rt, id);
  for (const m of r.stderr.split('\n').map((l) => MARK.exec(l)).filter(Boolean)) record(`mark ${m[1]}`, 'tsrun', { ok: true, ms: Number(m[2]) });
}

// ---------------------------------------------------------------- report

function report(done) {
  const names = runtimes.map((r) => r.name);
  const others = names.filter((n) => n !== 'tsrun');
  const wrapFloor = (n) => med('wrapper floor', n); // undefined for a runtime run directly
  const floor = med('node empty.cjs', 'node');
  const floorE = med('node -e 0', 'node');
  const ratioCell = (a, b) => (a === undefined || b === undefined ? '-' : (a / b).toFixed(2));
  const ratioLabel = (o) => (o === 'runc' ? 'ratio' : `ratio vs ${o}`);
  const TIMES = ['run', 'create', 'start', 'state', 'kill', 'delete', 'list', 'exec', 'parallel'];
  const rows = [['figure', ...names.map((n) => `${n}`), ...others.map((o) => `tsrun/${o}`), 'tsrun - node -e 0', 'tsrun - empty.cjs']];
  for (const fig of TIMES) {
    const t = med(fig, 'tsrun');
    const over = (f) => (fig === 'parallel' || t === undefined ? '' : f1(t - f));
    rows.push([fig, ...names.map((n) => f1(med(fig, n))), ...others.map((o) => ratioCell(t, med(fig, o))), over(floorE), over(floor)]);
  }
  for (const [name] of Object.entries(FLOORS)) rows.push([name, f1(med(name, 'node')), ...names.slice(1).map(() => ''), ...others.map(() => ''), '', '']);
  for (const w of wrappedRuntimes()) rows.push([`${w.name} wrapper floor`, ...names.map((n) => (n === w.name ? f1(wrapFloor(n)) : '')), ...others.map(() => ''), '', '']);
  rows.push(['init path (perf)', ...names.map((n) => f1(med('init path', n))), ...others.map((o) => ratioCell(med('init path', 'tsrun'), med('init path', o))), '', '']);
  const memRows = [['memory (MiB)', ...names, ...others.map((o) => `tsrun/${o}`), 'tsrun - node', '']];
  memRows.push(['waiting init RSS', ...names.map((n) => (med('init RSS', n) ?? NaN).toFixed(1)), ...others.map((o) => ratioCell(med('init RSS', 'tsrun'), med('init RSS', o))), '', '']);
  const peakFloor = med('peak node', 'node');
  for (const c of ['run', 'create', 'start', 'state', 'kill', 'delete', 'exec']) {
    const fig = `peak ${c}`;
    memRows.push([`peak ${c}`, ...names.map((n) => f1(med(fig, n))), ...others.map((o) => ratioCell(med(fig, 'tsrun'), med(fig, o))), f1(med(fig, 'tsrun') - peakFloor), '']);
  }
  memRows.push(['peak node empty.cjs', f1(peakFloor), ...names.slice(1).map(() => ''), ...others.map(() => ''), '', '']);
  console.log(`\n== medians in ms over ${done} interleaved iterations (parallel: ${PAR} containers x ${PAR_ROUNDS} rounds) ==`);
  console.log(table(rows));
  console.log(`\n== memory (medians; peak RSS over ${MEM_N} runs of /usr/bin/time -f %M) ==`);
  console.log(table(memRows));
  for (const w of wrappedRuntimes()) console.log(`(${w.name}: /usr/bin/time runs inside the wrapper, so the peak is ${w.name}'s own)`);
  const marks = Object.keys(samples).filter((k) => k.startsWith('mark '));
  if (marks.length) console.log(`\ntsrun --debug init marks (ms after the spawn, medians of ${INIT_N}): ${marks.map((k) => `${k.slice(5)} ${med(k, 'tsrun').toFixed(2)}`).join(', ')}`);

  console.log('\n== summary ==');
  for (const w of wrappedRuntimes()) console.log(`${w.name} ${w.why}`);
  for (const fig of TIMES) {
    // A wrapped runtime's figures include its wrapper: say how much, and the ratio without it.
    const wrapNote = (n) => (wrapFloor(n) === undefined ? '' : fig === 'parallel' ? ' (every command through the wrapper)' : ` (of which wrapper floor ${f1(wrapFloor(n))} ms)`);
    const lessWrap = (o) => (wrapFloor(o) === undefined || fig === 'parallel' ? '' : ` (${ratioCell(med(fig, 'tsrun'), med(fig, o) - wrapFloor(o))} less the wrapper floor)`);
    const parts = names.map((n) => `${n} ${f1(med(fig, n))} ms${wrapNote(n)}`);
    for (const o of others) parts.push(`${ratioLabel(o)} ${ratioCell(med(fig, 'tsrun'), med(fig, o))}${lessWrap(o)}`);
    if (fig === 'parallel') parts.push(`(${PAR} containers)`);
    else parts.push(`node floor ${f1(floor)} ms`, `tsrun - floor ${f1(med(fig, 'tsrun') - floor)} ms (node -e 0 ${f1(floorE)} ms: ${f1(med(fig, 'tsrun') - floorE)} ms)`);
    console.log(`${fig}: ${parts.join(', ')}`);
  }
  const rss = names.map((n) => `${n} ${(med('init RSS', n) ?? NaN).toFixed(2)} MiB`).join(', ');
  console.log(`waiting init RSS: ${rss}`);
  console.log(`peak RSS: ${['run', 'create', 'start', 'state', 'kill', 'delete', 'exec'].map((c) => `${c} ${names.map((n) => f1(med(`peak ${c}`, n))).join('/')}`).join(', ')} MiB (${names.join('/')}), node floor ${f1(peakFloor)} MiB`);
  if (PERF) {
    const parts = names.map((n) => `${n} ${f1(med('init path', n))} ms`);
    for (const o of others) parts.push(`${ratioLabel(o)} ${ratioCell(med('init path', 'tsrun'), med('init path', o))}`);
    console.log(`init path (perf trace: init exec, for crun the clone that makes its init, → pivot_root): ${parts.join(', ')}`);
  } else console.log('init path: perf is not installed, only tsrun --debug marks above');
  const cpuOf = (fig) => names.map((n) => `${n} ${f1(mean(`cpu ${fig}`, n))}`).join(', ');
  console.log(`CPU ms (user+sys, means) per command of run: ${cpuOf('run')}; per container of the ${PAR} parallel runs: ${cpuOf('parallel')}`);
  for (const [k, f] of Object.entries(failures)) console.log(`failed: ${k}: ${f.n} times, e.g. ${f.why}`);
  targets(floorE, peakFloor);
  console.log(`total ${((Date.now() - T0) / 1000).toFixed(0)} s`);
}

/** One PASS/MISS line per target of issue 16 (floor: `node -e 0`; peak RSS against the empty script's). */
function targets(floor, peakFloor) {
  const line = (what, value, limit, unit) => {
    const v = value === undefined || Number.isNaN(value) ? undefined : value;
    console.log(`target ${what}: ${v === undefined ? '-' : v.toFixed(2)}${unit} (target ≤ ${limit}${unit}) ${v === undefined ? 'NOT MEASURED' : v <= limit ? 'PASS' : 'MISS'}`);
  };
  const ratio = (fig) => med(fig, 'tsrun') / med(fig, 'runc');
  console.log('\n== issue 16 targets (a MISS does not change the exit status) ==');
  line('run / runc', ratio('run'), 1.5, '×');
  line('create - node -e 0', med('create', 'tsrun') - floor, 12, ' ms');
  line('exec / runc', ratio('exec'), 1.3, '×');
  for (const c of ['start', 'state', 'kill', 'delete', 'list']) line(`${c} - node -e 0`, med(c, 'tsrun') - floor, 5, ' ms');
  line(`${PAR} parallel runs / runc`, ratio('parallel'), 2, '×');
  line('peak RSS of run - node', med('peak run', 'tsrun') - peakFloor, 4, ' MiB');
}

function table(rows) {
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? String(c ?? '').padEnd(w[i]) : String(c ?? '').padStart(w[i]))).join('  ')).join('\n');
}

// ---------------------------------------------------------------- main

async function main() {
  console.log(`tsrun bench: N=${N}, ${PAR} parallel x ${PAR_ROUNDS}, memory ${MEM_N}, init path ${INIT_N}; ${NODE} ${process.version}; NODE_* removed from every timed command`);
  addRuntime('tsrun', TSRUN);
  addRuntime('runc', which('runc'));
  addRuntime('crun', which('crun'), ['--cgroup-manager=disabled'], hybridWrapper);
  if (!runtimes.some((r) => r.name === 'tsrun')) return 1;
  for (const rt of runtimes) console.log(`${rt.name}: ${rt.bin} ${spawnSync(rt.bin, ['--version'], { env: ENV, encoding: 'utf8' }).stdout.split('\n')[0]}`);

  // One running container per runtime to exec into.
  const execIds = {};
  for (const rt of runtimes) {
    execIds[rt.name] = rt.id('exec');
    rt.live.add(execIds[rt.name]);
    exec(rt.argv('run', '-d', '-b', SLEEP, execIds[rt.name]));
  }
  const wrapped = wrappedRuntimes();
  for (const f of [...Object.values(FLOORS), ...wrapped.map((rt) => [...rt.wrap, '/bin/true'])]) exec(f); // warm the page cache, unrecorded

  let done = 0;
  for (let i = 0; i < N; i++, done++) {
    const order = runtimes.map((_, k) => runtimes[(k + i) % runtimes.length]);
    for (const [name, argv] of Object.entries(FLOORS)) record(name, 'node', exec(argv));
    for (const rt of wrapped) record('wrapper floor', rt.name, exec([...rt.wrap, '/bin/true']));
    order.forEach(runOnce);
    order.forEach(splitOnce);
    for (const rt of order) record('exec', rt.name, exec(rt.argv('exec', execIds[rt.name], '/bin/true')));
  }
  for (let round = 0; round < PAR_ROUNDS; round++) for (const rt of runtimes.map((_, k) => runtimes[(k + round) % runtimes.length])) await parallelOnce(rt);
  for (let i = 0; i < MEM_N; i++) {
    for (const rt of runtimes) memOnce(rt, execIds[rt.name]);
    peak('node', 'node', FLOORS['node empty.cjs']);
  }
  for (let i = 0; i < INIT_N; i++) {
    marksOnce(runtimes[0]);
    if (PERF) runtimes.forEach(perfOnce);
  }
  report(done);
  return 0;
}

let code = 1;
try {
  code = await main();
} catch (e) {
  console.error(`bench: ${e?.stack ?? e}`);
} finally {
  for (const rt of runtimes) for (const id of [...rt.live]) remove(rt, id);
  rmSync(TMP, { recursive: true, force: true });
}
process.exit(code);
