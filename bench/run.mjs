#!/usr/bin/env node
// Side-by-side benchmark: tsrun against runc (and crun when installed), interleaved in one run
// on the same busybox bundle. Plain Node ESM, no dependencies. Run as root: `npm run bench`.
//
// Environment:
//   BENCH_N            iterations of each sequential figure (default 30)
//   BENCH_PARALLEL     containers in the parallel figure (default 20)
//   BENCH_PAR_ROUNDS   rounds of the parallel figure (default 3)
//   BENCH_MEM_N        iterations of the peak-RSS pass (default min(5, N))
//   BENCH_INIT_N       iterations of the init-path pass (default min(10, N))
//   BENCH_BUDGET_S     time budget of the main loop in seconds (default 180; stops early, says so)
//   BENCH_RUNTIMES     comma list to restrict the runtimes (default: tsrun,runc,crun when present)
//   TSRUN              path of the tsrun CLI (default: dist/tsrun.js of this checkout)
//   BENCH_KEEP=1       keep the temp dir (bundles, logs) for inspection
import { spawn, spawnSync } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  closeSync,
  constants as fsc,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const T_START = process.hrtime.bigint();

// ---------------------------------------------------------------- configuration

function envInt(name, dflt, min = 1) {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number.parseInt(v, 10);
  if (!Number.isFinite(n) || n < min) {
    console.error(`bench: ${name}=${v} is not an integer >= ${min}`);
    process.exit(2);
  }
  return n;
}

const N = envInt('BENCH_N', 30);
const PAR = envInt('BENCH_PARALLEL', 20);
const PAR_ROUNDS = envInt('BENCH_PAR_ROUNDS', 3);
const MEM_N = envInt('BENCH_MEM_N', Math.min(5, N));
const INIT_N = envInt('BENCH_INIT_N', Math.min(10, N));
const BUDGET_MS = envInt('BENCH_BUDGET_S', 180) * 1000;
const CMD_TIMEOUT_MS = 30_000;

if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
  console.error(
    'bench: must run as root (runc, crun and tsrun are compared as root: namespaces pid, ipc, uts, mount, network).\n' +
      '       try: sudo npm run bench',
  );
  process.exit(2);
}

// Every timed command runs without NODE_EXTRA_CA_CERTS (~90 ms per Node start on this machine)
// and without NODE_OPTIONS or any other NODE_* knob: the figures are the runtime's own.
const CLEAN_ENV = {};
for (const [k, v] of Object.entries(process.env)) {
  if (k.startsWith('NODE_') || k === 'TSRUN_DEBUG') continue;
  CLEAN_ENV[k] = v;
}
if (!CLEAN_ENV.PATH) CLEAN_ENV.PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function which(cmd) {
  for (const d of (process.env.PATH || '/usr/sbin:/usr/bin:/sbin:/bin').split(delimiter).concat(['/usr/sbin', '/sbin'])) {
    const p = join(d, cmd);
    try {
      accessSync(p, fsc.X_OK);
      if (statSync(p).isFile()) return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

const WANT = process.env.BENCH_RUNTIMES ? new Set(process.env.BENCH_RUNTIMES.split(',').map((s) => s.trim())) : undefined;
const TSRUN = resolve(process.env.TSRUN || join(HERE, '..', 'dist', 'tsrun.js'));

// The node tsrun runs on (its shebang), for the floor: same binary, same startup.
function tsrunNode() {
  try {
    const first = readFileSync(TSRUN, 'utf8').split('\n', 1)[0];
    const m = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(first);
    if (m && m[1].endsWith('/env') && m[2]) return which(m[2]) ?? process.execPath;
    if (m && existsSync(m[1])) return m[1];
  } catch {
    /* fall back */
  }
  return process.execPath;
}
const NODE = tsrunNode();

// ---------------------------------------------------------------- temp dir, bundles

const TMP = mkdtempSync(join(tmpdir(), 'tsrun-bench-'));
const OUT = join(TMP, 'out');
const ERR = join(TMP, 'err');
const MEMF = join(TMP, 'mem');
const EMPTY_MJS = join(TMP, 'empty.mjs');
writeFileSync(EMPTY_MJS, '');

function makeRootfs(dir) {
  const busybox = ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p));
  if (!busybox) throw new Error('busybox not found: apt-get install busybox-static');
  for (const d of ['bin', 'proc', 'dev', 'tmp', 'etc', 'root']) mkdirSync(join(dir, d), { recursive: true });
  copyFileSync(busybox, join(dir, 'bin', 'busybox'));
  chmodSync(join(dir, 'bin', 'busybox'), 0o755);
  for (const l of ['true', 'sh', 'sleep']) symlinkSync('busybox', join(dir, 'bin', l));
  writeFileSync(join(dir, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  writeFileSync(join(dir, 'etc', 'group'), 'root:x:0:\n');
}

function config(args) {
  const caps = ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'];
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: { uid: 0, gid: 0 },
      args,
      env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root'],
      cwd: '/',
      capabilities: { bounding: caps, effective: caps, permitted: caps },
      noNewPrivileges: true,
    },
    root: { path: 'rootfs', readonly: true },
    hostname: 'bench',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    ],
    linux: {
      // No resources: tsrun refuses them until cgroups land, and both runtimes get this same file.
      namespaces: [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }, { type: 'network' }],
    },
  };
}

function makeBundle(name, args) {
  const dir = join(TMP, name);
  mkdirSync(dir);
  makeRootfs(join(dir, 'rootfs'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config(args), null, 2) + '\n');
  return dir;
}

// ---------------------------------------------------------------- runtimes

const runtimes = [];
function addRuntime(name, bin, globals = []) {
  if (WANT && !WANT.has(name)) return;
  if (!bin) {
    console.log(`bench: ${name} not found, skipped`);
    return;
  }
  const root = join(TMP, `root-${name}`);
  mkdirSync(root);
  runtimes.push({ name, bin, root, globals, execOk: false, execMsg: '', live: new Map() });
}

// ---------------------------------------------------------------- running commands

/** Runs argv synchronously, timed; stdout and stderr go to files (a detached container keeps them). */
function timed(argv, { env = CLEAN_ENV } = {}) {
  const out = openSync(OUT, 'w');
  const err = openSync(ERR, 'w');
  let r;
  let t0, t1;
  try {
    t0 = process.hrtime.bigint();
    r = spawnSync(argv[0], argv.slice(1), { env, stdio: ['ignore', out, err], timeout: CMD_TIMEOUT_MS, killSignal: 'SIGKILL' });
    t1 = process.hrtime.bigint();
  } finally {
    closeSync(out);
    closeSync(err);
  }
  const stdout = readFileSync(OUT, 'utf8');
  const stderr = readFileSync(ERR, 'utf8');
  const ms = Number(t1 - t0) / 1e6;
  const ok = r.status === 0 && !r.error;
  const why = r.error ? String(r.error.message) : r.signal ? `signal ${r.signal}` : `exit ${r.status}`;
  return { ok, ms, stdout, stderr, why: `${why}${stderr.trim() ? ': ' + stderr.trim().split('\n').slice(-2).join(' | ') : ''}` };
}

const rtArgv = (rt, args, globals = []) => [rt.bin, '--root', rt.root, ...rt.globals, ...globals, ...args];

/** Every sample, by figure and runtime; failures counted with the first reason kept. */
const samples = {};
const failures = {};
function record(fig, who, r) {
  if (r.ok) (samples[fig] ??= {})[who] ??= [];
  if (r.ok) samples[fig][who].push(r.ms);
  else {
    const f = ((failures[fig] ??= {})[who] ??= { n: 0, why: r.why });
    f.n++;
  }
  return r.ok;
}
function recordValue(fig, who, v) {
  ((samples[fig] ??= {})[who] ??= []).push(v);
}

function procStat(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0], start: rest[19] };
  } catch {
    return undefined;
  }
}

function vmRssKb(pid) {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

function sleepMs(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Waits (untimed) until pid is gone or a zombie: the engine waits for the exit between kill and delete. */
function waitDead(pid, limitMs = 5000) {
  const end = Date.now() + limitMs;
  for (;;) {
    const s = procStat(pid);
    if (!s || s.state === 'Z' || s.state === 'X') return true;
    if (Date.now() > end) return false;
    sleepMs(1);
  }
}

function stateOf(rt, id) {
  const r = timed(rtArgv(rt, ['state', id]));
  if (!r.ok) return { r };
  try {
    const s = JSON.parse(r.stdout);
    return { r, pid: s.pid, status: s.status };
  } catch {
    return { r: { ...r, ok: false, why: `state printed no JSON: ${r.stdout.slice(0, 120)}` } };
  }
}

function track(rt, id, pid) {
  const st = pid ? procStat(pid) : undefined;
  rt.live.set(id, { pid, start: st?.start });
}

/** The container's pid from the runtime's own state file (tsrun: pid, runc: init_process_pid). */
function pidFromStateFile(rt, id) {
  try {
    const s = JSON.parse(readFileSync(join(rt.root, id, 'state.json'), 'utf8'));
    const pid = s.pid ?? s.init_process_pid;
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function forceDelete(rt, id) {
  let info = rt.live.get(id);
  if (!info?.pid) {
    // Not tracked (parallel round, failed state): read it now, while the process is alive, so
    // that a failing delete -f still leaves no container process behind.
    const pid = pidFromStateFile(rt, id);
    if (pid) info = { pid, start: procStat(pid)?.start };
  }
  const r = spawnSync(rt.bin, ['--root', rt.root, ...rt.globals, 'delete', '-f', id], { env: CLEAN_ENV, stdio: 'ignore', timeout: CMD_TIMEOUT_MS });
  // If the runtime could not delete it, kill the container process ourselves (same pid, same start time only).
  if (info?.pid) {
    const st = procStat(info.pid);
    if (st && st.start === info.start && st.state !== 'Z') {
      try {
        process.kill(info.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
  rt.live.delete(id);
  return r.status === 0;
}

let cleaned = false;
function cleanup() {
  if (cleaned) return;
  cleaned = true;
  const problems = [];
  for (const rt of runtimes) {
    for (const id of [...rt.live.keys()]) forceDelete(rt, id);
    // Anything the runtime still knows about (an id we lost track of): delete -f too.
    let left = [];
    try {
      left = readdirSync(rt.root).filter((e) => !e.startsWith('.'));
    } catch {
      /* no root */
    }
    for (const id of left) {
      if (id.startsWith('bench-')) forceDelete(rt, id);
    }
    try {
      const still = readdirSync(rt.root).filter((e) => e.startsWith('bench-'));
      if (still.length) problems.push(`${rt.name} still lists ${still.join(', ')}`);
    } catch {
      /* fine */
    }
  }
  if (process.env.BENCH_KEEP === '1') {
    console.log(`bench: kept ${TMP}`);
  } else {
    try {
      rmSync(TMP, { recursive: true, force: true });
    } catch (e) {
      problems.push(`could not remove ${TMP}: ${e.message}`);
    }
  }
  for (const p of problems) console.error(`bench: cleanup: ${p}`);
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    console.error(`\nbench: ${sig}, cleaning up`);
    cleanup();
    process.exit(130);
  });
}

// ---------------------------------------------------------------- statistics and output

function median(a) {
  if (!a || !a.length) return undefined;
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
function quantile(a, q) {
  if (!a || !a.length) return undefined;
  const s = [...a].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
}
const f1 = (v) => (v === undefined ? '-' : v.toFixed(1));
const f2 = (v) => (v === undefined ? '-' : v.toFixed(2));
const med = (fig, who) => median(samples[fig]?.[who]);
const ratio = (a, b) => (a === undefined || b === undefined || b === 0 ? undefined : a / b);

function table(headers, rows) {
  const w = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(w[i]) : String(c).padStart(w[i]))).join('  ');
  return [line(headers), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n');
}

function elapsedMs() {
  return Number(process.hrtime.bigint() - T_START) / 1e6;
}

// ---------------------------------------------------------------- the benchmark

const FLOOR_E = 'node -e 0';
const FLOOR_M = 'node empty.mjs';
const SPLIT = ['create', 'state', 'start', 'kill', 'delete'];
let seq = 0;
const newId = (rt, what) => `bench-${rt.name}-${what}-${process.pid}-${seq++}`;

function sanity(rt, bundleTrue) {
  const id = newId(rt, 'check');
  track(rt, id);
  const r = timed(rtArgv(rt, ['run', '-b', bundleTrue, id]));
  forceDelete(rt, id);
  return r;
}

/** One engine-style lifecycle on the sleep bundle; every phase timed on its own. */
function splitOnce(rt, bundleSleep) {
  const id = newId(rt, 'split');
  track(rt, id);
  try {
    if (!record('create', rt.name, timed(rtArgv(rt, ['create', '-b', bundleSleep, id])))) return;
    const s = stateOf(rt, id);
    if (!record('state', rt.name, s.r)) return;
    if (s.status !== 'created') record('state', rt.name, { ok: false, why: `status ${s.status} after create` });
    track(rt, id, s.pid);
    const rss = vmRssKb(s.pid);
    if (rss !== undefined) recordValue('init-rss', rt.name, rss);
    if (!record('start', rt.name, timed(rtArgv(rt, ['start', id])))) return;
    if (!record('kill', rt.name, timed(rtArgv(rt, ['kill', id, 'KILL'])))) return;
    if (!waitDead(s.pid)) {
      record('delete', rt.name, { ok: false, why: 'container process still alive 5 s after kill KILL' });
      return;
    }
    if (record('delete', rt.name, timed(rtArgv(rt, ['delete', id])))) rt.live.delete(id);
  } finally {
    if (rt.live.has(id)) forceDelete(rt, id);
  }
}

function runOnce(rt, bundleTrue) {
  const id = newId(rt, 'run');
  track(rt, id);
  const r = timed(rtArgv(rt, ['run', '-b', bundleTrue, id]));
  record('run', rt.name, r);
  // run deletes the container after it exits; a leftover (failure) is removed here.
  if (r.ok && !existsSync(join(rt.root, id))) rt.live.delete(id);
  else forceDelete(rt, id);
}

function startExecContainer(rt, bundleSleep) {
  const id = newId(rt, 'exec');
  track(rt, id);
  const c = timed(rtArgv(rt, ['create', '-b', bundleSleep, id]));
  if (!c.ok) return { why: `create: ${c.why}` };
  const s = stateOf(rt, id);
  track(rt, id, s.pid);
  const st = timed(rtArgv(rt, ['start', id]));
  if (!st.ok) return { why: `start: ${st.why}` };
  return { id };
}

function spawnWait(argv, errFile) {
  return new Promise((res) => {
    const fd = openSync(errFile, 'w');
    const child = spawn(argv[0], argv.slice(1), { env: CLEAN_ENV, stdio: ['ignore', 'ignore', fd] });
    closeSync(fd);
    const timer = setTimeout(() => child.kill('SIGKILL'), CMD_TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      res({ ok: false, why: e.message });
    });
    child.on('exit', (code, sig) => {
      clearTimeout(timer);
      let why = sig ? `signal ${sig}` : `exit ${code}`;
      if (code !== 0) {
        try {
          const e = readFileSync(errFile, 'utf8').trim();
          if (e) why += ': ' + e.split('\n').slice(-1)[0];
        } catch {
          /* none */
        }
      }
      res({ ok: code === 0, why });
    });
  });
}

/** PAR containers, each create then start, all at once; wall time until the last is started. */
async function parallelRound(rt, bundleTrue) {
  const ids = Array.from({ length: PAR }, () => newId(rt, 'par'));
  for (const id of ids) track(rt, id);
  const t0 = process.hrtime.bigint();
  const results = await Promise.all(
    ids.map(async (id, i) => {
      const errFile = join(TMP, `par-err-${i}`);
      const c = await spawnWait(rtArgv(rt, ['create', '-b', bundleTrue, id]), errFile);
      if (!c.ok) return { ok: false, why: `create: ${c.why}` };
      const s = await spawnWait(rtArgv(rt, ['start', id]), errFile);
      return s.ok ? s : { ok: false, why: `start: ${s.why}` };
    }),
  );
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  for (const id of ids) forceDelete(rt, id);
  const bad = results.filter((r) => !r.ok);
  if (bad.length) record('parallel', rt.name, { ok: false, why: `${bad.length}/${PAR} failed, e.g. ${bad[0].why}` });
  else record('parallel', rt.name, { ok: true, ms });
}

/** Peak RSS (kB) of one command through /usr/bin/time -f %M. */
function peakRss(argv) {
  const r = timed(['/usr/bin/time', '-f', '%M', '-o', MEMF, ...argv]);
  if (!r.ok) return { ok: false, why: r.why };
  const kb = Number.parseInt(readFileSync(MEMF, 'utf8').trim().split('\n').pop(), 10);
  return Number.isFinite(kb) ? { ok: true, kb } : { ok: false, why: 'no %M output' };
}

function memPass(rt, bundleTrue, bundleSleep, execId) {
  const note = (cmd, r) => {
    if (r.ok) recordValue(`peak ${cmd}`, rt.name, r.kb);
    else record(`peak ${cmd}`, rt.name, r);
    return r.ok;
  };
  const rid = newId(rt, 'memrun');
  track(rt, rid);
  note('run', peakRss(rtArgv(rt, ['run', '-b', bundleTrue, rid])));
  forceDelete(rt, rid);
  const id = newId(rt, 'mem');
  track(rt, id);
  try {
    if (!note('create', peakRss(rtArgv(rt, ['create', '-b', bundleSleep, id])))) return;
    const s = stateOf(rt, id);
    track(rt, id, s.pid);
    if (!note('state', peakRss(rtArgv(rt, ['state', id])))) return;
    if (!note('start', peakRss(rtArgv(rt, ['start', id])))) return;
    if (execId) note('exec', peakRss(rtArgv(rt, ['exec', execId, '/bin/true'])));
    if (!note('kill', peakRss(rtArgv(rt, ['kill', id, 'KILL'])))) return;
    if (s.pid) waitDead(s.pid);
    if (note('delete', peakRss(rtArgv(rt, ['delete', id])))) rt.live.delete(id);
  } finally {
    if (rt.live.has(id)) forceDelete(rt, id);
  }
}

/** create with --debug json logs; the init path is read off the log's timestamps. */
function initPathOnce(rt, bundleSleep) {
  const id = newId(rt, 'init');
  const logFile = join(TMP, `${id}.log`);
  track(rt, id);
  try {
    const r = timed(rtArgv(rt, ['create', '-b', bundleSleep, id], ['--debug', '--log', logFile, '--log-format', 'json']));
    if (!r.ok) return { ok: false, why: r.why };
    let lines = [];
    try {
      lines = readFileSync(logFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => {
          try {
            return JSON.parse(l);
          } catch {
            return undefined;
          }
        })
        .filter((l) => l && l.time && l.msg !== undefined);
    } catch {
      /* no log file */
    }
    const t = (l) => Date.parse(l.time) + subMs(l.time);
    const find = (re) => lines.find((l) => re.test(String(l.msg)));
    let a, b;
    if (rt.name === 'tsrun') {
      a = find(/plan sent/);
      b = find(/: created$/) ?? find(/created/);
    } else {
      // runc: from "nsexec container setup" (the child's first line) to the init's last line.
      const child = lines.filter((l) => /nsexec|init|child/i.test(String(l.msg)));
      a = child[0];
      b = child[child.length - 1];
    }
    // runc 1.1 writes whole seconds ("…T21:41:32Z"): useless for a span of milliseconds.
    const coarse = lines.length > 0 && lines.every((l) => !/\.\d+/.test(l.time));
    const initMs = a && b && !coarse ? t(b) - t(a) : undefined;
    return { ok: true, ms: r.ms, lines: lines.length, coarse, initMs, a: a?.msg, b: b?.msg };
  } finally {
    forceDelete(rt, id);
  }
}
// Date.parse keeps milliseconds only: add the sub-millisecond digits (runc writes RFC3339Nano).
function subMs(iso) {
  const m = /\.\d{3}(\d+)/.exec(iso);
  return m ? Number(`0.${m[1]}`) : 0;
}

// ---------------------------------------------------------------- main

async function main() {
  if (!WANT || WANT.has('tsrun')) {
    if (!existsSync(TSRUN)) {
      console.error(`bench: ${TSRUN} not found: build it first (npm run build:ts), or BENCH_RUNTIMES=runc,crun`);
      return 1;
    }
  }
  addRuntime('tsrun', existsSync(TSRUN) ? TSRUN : undefined);
  addRuntime('runc', which('runc'));
  // crun 1.8 refuses hosts with cgroup v1 and v2 controllers at once (even with
  // --cgroup-manager=disabled): the sanity run below then leaves it out and says why.
  addRuntime('crun', which('crun'));

  const bundleTrue = makeBundle('bundle-true', ['/bin/true']);
  const bundleSleep = makeBundle('bundle-sleep', ['/bin/sleep', '1000']);

  console.log(`tsrun bench: N=${N}, parallel ${PAR} x ${PAR_ROUNDS} rounds, memory pass ${MEM_N}, init-path pass ${INIT_N}`);
  console.log(`node floor: ${NODE} (${process.version}); env without NODE_* (was: ${Object.keys(process.env).filter((k) => k.startsWith('NODE_')).join(', ') || 'none'})`);
  for (const rt of runtimes) {
    const v = spawnSync(rt.bin, rtArgv(rt, ['--version']).slice(1), { env: CLEAN_ENV, encoding: 'utf8' });
    console.log(`${rt.name}: ${rt.bin} ${rt.globals.join(' ')} — ${(v.stdout || v.stderr || '').trim().split('\n')[0]}`);
  }
  console.log(`bundle: busybox rootfs, namespaces pid ipc uts mount network, /proc + /dev tmpfs, no linux.resources (${TMP})`);

  // Sanity: each runtime must run /bin/true, or it is left out (tsrun left out = exit 1 at the end).
  for (const rt of [...runtimes]) {
    const r = sanity(rt, bundleTrue);
    if (!r.ok) {
      console.log(`bench: ${rt.name} cannot run the bundle (${r.why}); left out`);
      runtimes.splice(runtimes.indexOf(rt), 1);
    }
  }
  if (!runtimes.some((r) => r.name === 'runc') && (!WANT || WANT.has('runc'))) console.log('bench: no runc: no ratios');
  if (!runtimes.length) return 1;

  // exec: detect, then one long-running container per runtime to exec into.
  const execIds = {};
  for (const rt of runtimes) {
    // `exec --help` exiting 0 says exec exists; when it does not, one real (untimed) exec into a
    // running container decides: a runtime whose --help is broken but whose exec works is measured.
    const h = spawnSync(rt.bin, rtArgv(rt, ['exec', '--help']).slice(1), { env: CLEAN_ENV, stdio: 'ignore' });
    const c = startExecContainer(rt, bundleSleep);
    if (!c.id) {
      rt.execMsg = h.status !== 0 ? `exec: ${rt.name} not implemented yet` : `exec: could not start a container for ${rt.name} to exec into (${c.why})`;
      continue;
    }
    execIds[rt.name] = c.id;
    if (h.status !== 0) {
      const probe = timed(rtArgv(rt, ['exec', c.id, '/bin/true']));
      if (!probe.ok) {
        rt.execMsg = `exec: ${rt.name} not implemented yet (\`exec --help\` exits ${h.status}; \`exec <id> /bin/true\`: ${probe.why})`;
        continue;
      }
      console.log(`bench: note: \`${rt.name} exec --help\` exits ${h.status}, but exec works: measured`);
    }
    rt.execOk = true;
  }

  // Warm-up (page cache, Node's compile cache of nothing): one of each, not recorded.
  for (const rt of runtimes) {
    timed(rtArgv(rt, ['state', 'bench-none']));
  }
  timed([NODE, '-e', '0']);
  timed([NODE, EMPTY_MJS]);

  // Main loop, interleaved: every iteration runs each figure for every runtime and the floors,
  // the runtime order rotating so that none always goes first.
  let done = 0;
  const tsrunRt = runtimes.find((r) => r.name === 'tsrun');
  for (let i = 0; i < N; i++) {
    if (elapsedMs() > BUDGET_MS) {
      console.log(`bench: time budget ${BUDGET_MS / 1000} s reached after ${done} iterations; figures use those`);
      break;
    }
    const order = runtimes.map((_, k) => runtimes[(k + i) % runtimes.length]);
    record(FLOOR_E, 'node', timed([NODE, '-e', '0']));
    for (const rt of order) runOnce(rt, bundleTrue);
    record(FLOOR_M, 'node', timed([NODE, EMPTY_MJS]));
    for (const rt of order) splitOnce(rt, bundleSleep);
    for (const rt of order) {
      if (rt.execOk) {
        const r = timed(rtArgv(rt, ['exec', execIds[rt.name], '/bin/true']));
        if (!record('exec', rt.name, r) && failures.exec[rt.name].n >= 3) {
          rt.execOk = false;
          rt.execMsg = `exec: ${rt.name} fails (${failures.exec[rt.name].why})`;
        }
      }
    }
    if (tsrunRt) record('tsrun --version', 'tsrun', timed([tsrunRt.bin, '--version']));
    done++;
  }

  // Parallel: rounds interleaved across runtimes.
  for (let round = 0; round < PAR_ROUNDS; round++) {
    for (const rt of runtimes.map((_, k) => runtimes[(k + round) % runtimes.length])) await parallelRound(rt, bundleTrue);
  }

  // Memory: peak RSS through /usr/bin/time (a separate pass: time's own fork would bias the timings).
  for (let i = 0; i < MEM_N; i++) {
    for (const rt of runtimes) memPass(rt, bundleTrue, bundleSleep, rt.execOk ? execIds[rt.name] : undefined);
    const e = peakRss([NODE, '-e', '0']);
    if (e.ok) recordValue(`peak ${FLOOR_E}`, 'node', e.kb);
    const m = peakRss([NODE, EMPTY_MJS]);
    if (m.ok) recordValue(`peak ${FLOOR_M}`, 'node', m.kb);
  }

  // Init path from --debug logs.
  const initRes = {};
  for (let i = 0; i < INIT_N; i++) {
    for (const rt of runtimes) {
      const r = initPathOnce(rt, bundleSleep);
      const x = (initRes[rt.name] ??= { ms: [], init: [], lines: 0, coarse: false, why: undefined, a: undefined, b: undefined });
      if (!r.ok) x.why ??= r.why;
      else {
        x.ms.push(r.ms);
        x.lines = r.lines;
        x.coarse ||= r.coarse;
        if (r.initMs !== undefined) x.init.push(r.initMs);
        x.a ??= r.a;
        x.b ??= r.b;
      }
    }
  }

  for (const rt of runtimes) if (execIds[rt.name]) forceDelete(rt, execIds[rt.name]);

  report(done, initRes);
  return runtimes.some((r) => r.name === 'tsrun') || (WANT && !WANT.has('tsrun')) ? 0 : 1;
}

function report(done, initRes) {
  const names = runtimes.map((r) => r.name);
  const has = (n) => names.includes(n);
  const floorM = med(FLOOR_M, 'node');
  const floorE = med(FLOOR_E, 'node');
  const timeFigs = ['run', ...SPLIT, 'exec', 'parallel'];

  console.log(`\n== times (median ms over ${done} iterations; parallel: ${PAR} containers create+start, ${PAR_ROUNDS} rounds) ==`);
  const headers = ['figure', ...names.map((n) => `${n} ms`), ...(has('tsrun') && has('runc') ? ['tsrun/runc'] : []), ...(has('tsrun') && has('crun') ? ['tsrun/crun'] : []), ...(has('tsrun') ? ['tsrun p90', 'tsrun-floor'] : []), 'n'];
  const rows = [];
  for (const fig of timeFigs) {
    const row = [fig, ...names.map((n) => f1(med(fig, n)))];
    if (has('tsrun') && has('runc')) row.push(f2(ratio(med(fig, 'tsrun'), med(fig, 'runc'))));
    if (has('tsrun') && has('crun')) row.push(f2(ratio(med(fig, 'tsrun'), med(fig, 'crun'))));
    if (has('tsrun')) {
      row.push(f1(quantile(samples[fig]?.tsrun, 0.9)));
      row.push(fig === 'parallel' || med(fig, 'tsrun') === undefined ? '-' : f1(med(fig, 'tsrun') - floorM));
    }
    row.push(Math.min(...names.map((n) => samples[fig]?.[n]?.length ?? 0)));
    rows.push(row);
  }
  const nOf = (fig, who) => samples[fig]?.[who]?.length ?? 0;
  const blank = headers.length - 3;
  rows.push([FLOOR_E, ...[f1(floorE)], ...Array(blank).fill(''), nOf(FLOOR_E, 'node')]);
  rows.push([FLOOR_M, ...[f1(floorM)], ...Array(blank).fill(''), nOf(FLOOR_M, 'node')]);
  if (has('tsrun')) rows.push(['tsrun --version', f1(med('tsrun --version', 'tsrun')), ...Array(blank).fill(''), nOf('tsrun --version', 'tsrun')]);
  console.log(table(headers, rows));

  console.log(`\n== memory (median; init RSS over ${done} creates, peak RSS over ${MEM_N} runs of /usr/bin/time -f %M) ==`);
  const memFigs = ['init-rss', ...['run', ...SPLIT, 'exec'].map((c) => `peak ${c}`)];
  const mrows = memFigs.map((fig) => [
    fig === 'init-rss' ? 'waiting init VmRSS' : fig,
    ...names.map((n) => (med(fig, n) === undefined ? '-' : (med(fig, n) / 1024).toFixed(1))),
    ...(has('tsrun') && has('runc') ? [f2(ratio(med(fig, 'tsrun'), med(fig, 'runc')))] : []),
  ]);
  mrows.push([`peak ${FLOOR_E}`, ((med(`peak ${FLOOR_E}`, 'node') ?? NaN) / 1024).toFixed(1), ...Array(names.length - 1 + (has('tsrun') && has('runc') ? 1 : 0)).fill('')]);
  mrows.push([`peak ${FLOOR_M}`, ((med(`peak ${FLOOR_M}`, 'node') ?? NaN) / 1024).toFixed(1), ...Array(names.length - 1 + (has('tsrun') && has('runc') ? 1 : 0)).fill('')]);
  console.log(table(['figure', ...names.map((n) => `${n} MB`), ...(has('tsrun') && has('runc') ? ['tsrun/runc'] : [])], mrows));

  console.log('\n== init path (create --debug --log-format json; timestamps of the log lines) ==');
  for (const rt of runtimes) {
    const x = initRes[rt.name];
    if (!x) continue;
    if (!x.ms.length) {
      console.log(`init path: ${rt.name} create --debug failed: ${x.why}`);
      continue;
    }
    const base = `create with --debug ${f1(median(x.ms))} ms (${x.lines} log lines)`;
    if (x.init.length) {
      const span = rt.name === 'tsrun' ? `"${x.a}" -> "${x.b}"` : `first..last nsexec/init line: "${String(x.a).slice(0, 50)}" -> "${String(x.b).slice(0, 50)}"`;
      console.log(`init path: ${rt.name} ${f1(median(x.init))} ms (${span}; timestamps of 1 ms resolution), ${base}`);
    } else if (x.coarse) {
      console.log(`init path: ${rt.name} not measurable from its log: its timestamps have 1 s resolution; ${base}`);
    } else {
      console.log(`init path: ${rt.name} not measurable from its log (no matching lines); ${base}`);
    }
  }
  // The same approximation for every runtime: create minus state (same CLI start-up and state-dir
  // read, so what is left is config handling plus the init path), from the main loop's medians.
  const approx = names.map((n) => `${n} ${f1(med('create', n) !== undefined && med('state', n) !== undefined ? med('create', n) - med('state', n) : undefined)} ms`);
  console.log(`create minus state (≈ config handling + init path): ${approx.join(', ')}`);

  console.log('\n== summary ==');
  const others = names.filter((n) => n !== 'tsrun');
  for (const fig of timeFigs) {
    if (fig === 'exec') {
      const bad = runtimes.filter((r) => !r.execOk && r.execMsg);
      for (const r of bad) console.log(r.execMsg);
      if (bad.some((r) => r.name === 'tsrun')) continue;
    }
    const parts = names.map((n) => `${n} ${f1(med(fig, n))} ms`);
    if (has('tsrun')) {
      for (const o of others) {
        const r = ratio(med(fig, 'tsrun'), med(fig, o));
        if (r !== undefined) parts.push(o === 'runc' ? `ratio ${f2(r)}` : `ratio vs ${o} ${f2(r)}`);
      }
    }
    if (fig !== 'parallel') parts.push(`node floor ${f1(floorM)} ms`);
    else parts.push(`(${PAR} containers)`);
    console.log(`${fig}: ${parts.join(', ')}`);
  }
  if (has('tsrun')) {
    const over = ['run', ...SPLIT, 'exec']
      .filter((c) => med(c, 'tsrun') !== undefined)
      .map((c) => `${c} ${f1(med(c, 'tsrun') - floorM)} ms`);
    console.log(`overhead above node floor (${FLOOR_M} ${f1(floorM)} ms; ${FLOOR_E} ${f1(floorE)} ms): ${over.join(', ')}`);
    const v = med('tsrun --version', 'tsrun');
    if (v !== undefined) console.log(`tsrun --version (CLI startup, no command module): ${f1(v)} ms, ${f1(v - floorM)} ms above the floor`);
  }
  const rss = names.map((n) => `${n} ${med('init-rss', n) === undefined ? '-' : (med('init-rss', n) / 1024).toFixed(1)} MB`);
  console.log(`waiting init RSS after create: ${rss.join(', ')}`);
  const peaks = ['run', ...SPLIT, 'exec']
    .filter((c) => med(`peak ${c}`, names[0]) !== undefined)
    .map((c) => `${c} ${names.map((n) => `${n} ${med(`peak ${c}`, n) === undefined ? '-' : (med(`peak ${c}`, n) / 1024).toFixed(1)}`).join('/')} MB`);
  console.log(`peak RSS (${names.join('/')}): ${peaks.join('; ')}; node floor ${((med(`peak ${FLOOR_M}`, 'node') ?? NaN) / 1024).toFixed(1)} MB`);
  const pf = med(`peak ${FLOOR_M}`, 'node');
  if (has('tsrun') && pf !== undefined) {
    const over = ['run', ...SPLIT, 'exec']
      .filter((c) => med(`peak ${c}`, 'tsrun') !== undefined)
      .map((c) => `${c} ${((med(`peak ${c}`, 'tsrun') - pf) / 1024).toFixed(1)} MB`);
    console.log(`peak RSS above node floor: ${over.join(', ')}`);
  }

  const fl = Object.entries(failures).flatMap(([fig, m]) => Object.entries(m).map(([who, f]) => `${fig}/${who}: ${f.n} failed (${f.why})`));
  if (fl.length) {
    console.log('\n== failures ==');
    for (const l of fl) console.log(l);
  }
  console.log(`\ntotal ${(elapsedMs() / 1000).toFixed(1)} s`);
}

let code = 1;
try {
  code = await main();
} catch (e) {
  console.error(`bench: ${e?.stack ?? e}`);
  code = 1;
} finally {
  cleanup();
}
process.exit(code);
