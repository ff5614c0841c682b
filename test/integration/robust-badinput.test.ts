// Bad input (issue 7, point 3), through the real CLI:
//  - a corpus of broken config.json files (invalid JSON, wrong types, huge and negative
//    numbers, unknown namespaces, paths with "..", NUL bytes, 10 MB arguments): each one runs
//    or fails with a message naming the JSON path, never a stack trace or a crash;
//  - a bounded, seeded sample of the unit fuzzer's mutated configs (test/unit/fuzz/) really
//    created, started and deleted: each runs or fails cleanly and leaves nothing;
//  - bad command lines get runc-like errors and exit codes.
// TSRUN_DEBUG=1 makes the CLI print the stack of any error that is not a RuntimeError, so an
// unexpected exception shows up as a stack trace here instead of passing as a message.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import type { Spec } from '../helpers/config.js';
import { mountsUnder, otherRuntime, poll } from '../helpers/host.js';
import { rootfsCopy } from '../helpers/fs.js';
import { sandbox } from '../helpers/sandbox.js';
import { adoptOrphans, cgroupDirsOf, liveDescendants } from '../helpers/leftovers.js';
import { forEachMode, type Tier } from '../helpers/modes.js';
import { testRootfs } from '../helpers/rootfs.js';
import { expectFail, expectOk, show, type TsrunResult } from '../helpers/tsrun.js';
import { mutate, rng } from '../unit/fuzz/mutate.js';

beforeAll(() => adoptOrphans());

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const DEBUG = { TSRUN_DEBUG: '1' };
const MB10 = 'x'.repeat(10 * 1024 * 1024);

interface Case {
  name: string;
  edit?: (c: Doc) => void;
  text?: (base: Spec) => string;
  /** The JSON pointer the error must name; omitted: the config may also run. */
  pointer?: RegExp;
  /** runc 1.1 (the oracle) runs it, or may: a deliberate difference of tsrun, named here. */
  runcAccepts?: string;
}

const CORPUS: Case[] = [
  // invalid JSON
  { name: 'an empty file', text: () => '', pointer: /\// },
  { name: 'trailing garbage', text: (b) => JSON.stringify(b) + ' }', pointer: /\//, runcAccepts: "Go's json.Decoder reads the first value and stops" },
  { name: 'a UTF-8 byte order mark', text: (b) => '\ufeff' + JSON.stringify(b), pointer: /\// },
  { name: '100000 nested arrays', text: () => '['.repeat(100_000) + ']'.repeat(100_000), pointer: /\// },
  { name: 'a NUL byte in the JSON text', text: (b) => JSON.stringify(b).replace('"true"', '"tr\u0000ue"'), pointer: /\// },
  // wrong types
  { name: 'process.args of numbers', edit: (c) => (c.process.args = [1, 2]), pointer: /\/process\/args\/0/ },
  { name: 'process.env a string', edit: (c) => (c.process.env = 'PATH=/bin'), pointer: /\/process\/env/ },
  { name: 'mounts an object', edit: (c) => (c.mounts = { destination: '/x' }), pointer: /\/mounts/ },
  { name: 'linux.namespaces a string', edit: (c) => (c.linux.namespaces = 'pid'), pointer: /\/linux\/namespaces/ },
  { name: 'process.user.uid a string', edit: (c) => (c.process.user.uid = '0'), pointer: /\/process\/user\/uid/ },
  { name: 'root a string', edit: (c) => (c.root = '/'), pointer: /\/root/ },
  { name: 'process.rlimits entries of the wrong shape', edit: (c) => (c.process.rlimits = [{ type: 'RLIMIT_NOFILE', soft: '1' }]), pointer: /\/process\/rlimits\/0/ },
  // huge values
  { name: 'uid 2^32', edit: (c) => (c.process.user.uid = 2 ** 32), pointer: /\/process\/user\/uid/ },
  { name: 'uid 1e308', edit: (c) => (c.process.user.uid = 1e308), pointer: /\/process\/user\/uid/ },
  // 2^64 and 18446744073709551615 (RLIM_INFINITY) are the same JSON number: it means unlimited.
  { name: 'an rlimit of 2^64', edit: (c) => (c.process.rlimits = [{ type: 'RLIMIT_CORE', soft: 2 ** 64, hard: 2 ** 64 }]) },
  { name: 'a 100000-character hostname', edit: (c) => (c.hostname = 'h'.repeat(100_000)), pointer: /\/hostname/ },
  { name: 'a memory limit of 1e30', edit: (c) => (c.linux.resources = { memory: { limit: 1e30 } }), pointer: /\/linux\/resources\/memory\/limit/ },
  { name: '10000 mounts', edit: (c) => (c.mounts = Array.from({ length: 10_000 }, () => ({ destination: '/tmp', type: 'tmpfs', source: 'tmpfs' }))) },
  // negative numbers
  { name: 'uid -1', edit: (c) => (c.process.user.uid = -1), pointer: /\/process\/user\/uid/ },
  { name: 'gid -5', edit: (c) => (c.process.user.gid = -5), pointer: /\/process\/user\/gid/ },
  { name: 'an rlimit of -1', edit: (c) => (c.process.rlimits = [{ type: 'RLIMIT_NOFILE', soft: -1, hard: -1 }]), pointer: /\/process\/rlimits\/0/ },
  { name: 'a console size of -1', edit: (c) => (c.process.consoleSize = { height: -1, width: -1 }), pointer: /\/process\/consoleSize/ },
  { name: 'a hook timeout of -1', edit: (c) => (c.hooks = { poststop: [{ path: '/bin/true', timeout: -1 }] }), pointer: /\/hooks\/poststop\/0\/timeout/, runcAccepts: 'it does not check the timeout' },
  { name: 'a uid mapping of size -1', edit: (c) => (c.linux.uidMappings = [{ containerID: 0, hostID: 0, size: -1 }]), pointer: /\/linux\/uidMappings\/0\/size/ },
  // unknown namespaces
  { name: 'namespace type "PID" (case matters)', edit: (c) => (c.linux.namespaces[0].type = 'PID'), pointer: /\/linux\/namespaces\/0\/type/ },
  { name: 'an empty namespace type', edit: (c) => (c.linux.namespaces[0].type = ''), pointer: /\/linux\/namespaces\/0\/type/ },
  // paths with ".."
  { name: 'process.cwd "/../.."', edit: (c) => (c.process.cwd = '/../..') },
  { name: 'process.cwd relative "../x"', edit: (c) => (c.process.cwd = '../x'), pointer: /\/process\/cwd/ },
  { name: 'a mount destination "/../../mnt"', edit: (c) => c.mounts.push({ destination: '/../../mnt', type: 'tmpfs', source: 'tmpfs' }) },
  { name: 'linux.cgroupsPath "../../escape"', edit: (c) => (c.linux.cgroupsPath = '../../escape'), pointer: /\/linux\/cgroupsPath/, runcAccepts: 'it cleans the path to /escape, below the hierarchy root (as root; rootless it cannot create it)' },
  { name: 'a masked path "/../etc/passwd"', edit: (c) => (c.linux.maskedPaths = ['/../etc/passwd']) },
  // NUL bytes
  { name: 'a NUL byte in process.args', edit: (c) => (c.process.args = ['tr\u0000ue']), pointer: /\/process\/args\/0/ },
  { name: 'a NUL byte in process.env', edit: (c) => c.process.env.push('A=b\u0000c'), pointer: /\/process\/env\/2/ },
  { name: 'a NUL byte in the hostname', edit: (c) => (c.hostname = 'a\u0000b'), pointer: /\/hostname/, runcAccepts: 'sethostname(2) takes the bytes with the NUL' },
  { name: 'a NUL byte in a mount destination', edit: (c) => c.mounts.push({ destination: '/mnt\u0000x', type: 'tmpfs', source: 'tmpfs' }), pointer: /\/mounts\/\d+\/destination/ },
  { name: 'a NUL byte in root.path', edit: (c) => (c.root.path = c.root.path + '\u0000x'), pointer: /\/root\/path/ },
  // 10 MB
  { name: 'a 10 MB argument', edit: (c) => (c.process.args = ['echo', MB10]), pointer: /\/process\/args\/1/, runcAccepts: 'create succeeds, the execve(2) at start fails E2BIG' },
  { name: 'a 10 MB environment variable', edit: (c) => c.process.env.push(`BIG=${MB10}`), pointer: /\/process\/env\/2/, runcAccepts: 'create succeeds, the execve(2) at start fails E2BIG' },
  { name: '100000 arguments of 100 bytes (10 MB in all)', edit: (c) => (c.process.args = ['echo', ...Array.from({ length: 100_000 }, () => 'y'.repeat(100))]), pointer: /\/process\/args/, runcAccepts: 'create succeeds, the execve(2) at start fails E2BIG' },
];

interface Outcome {
  ran: boolean;
  problems: string[];
}

const STACK = /\n\s+at .*:\d+:\d+/;
/** A ConfigError-style line: `config.json: /json/pointer: ...`, or a field tsrun refuses by name. */
const NAMES_FIELD = /config\.json: \/|not supported yet: /;

/** The common verdict on a create: it ran (and was cleaned up) or failed cleanly; never a crash, a stack, a leftover. */
async function judge(t: Tier, id: string, r: TsrunResult, pointer?: RegExp): Promise<Outcome> {
  const problems: string[] = [];
  let ran = false;
  if (r.signal || r.timedOut) problems.push(`crash: ${show(r)}`);
  else if (STACK.test(r.stderr)) problems.push(`stack trace: ${show(r)}`);
  else if (/tsrun-init ended before the container was created \(signal/.test(r.stderr)) problems.push(`init crash: ${show(r)}`);
  else if (r.exitCode === 0) {
    ran = true;
    if (pointer) problems.push(`expected a refusal naming ${pointer}: ${show(r)}`);
    const s = await t.tsrun(['start', id]);
    if (s.exitCode !== 0 && !/not running|has stopped|already running|created/.test(s.stderr)) problems.push(`start: ${show(s)}`);
    await poll(async () => (await t.tsrun(['state', id])).stdout.includes('"stopped"'), 3000, 100);
    const d = await t.tsrun(['delete', '--force', id]);
    if (d.exitCode !== 0) problems.push(`delete: ${show(d)}`);
  } else {
    if (r.exitCode !== 1) problems.push(`exit ${r.exitCode}, not 1: ${show(r)}`);
    if (!r.stderr.trim()) problems.push(`no message: ${show(r)}`);
    // tsrun's wording; runc's messages name no JSON path (the oracle: a non-zero exit and a message).
    if (!otherRuntime) {
      if (pointer && !new RegExp(`config\\.json: ${pointer.source}`).test(r.stderr)) problems.push(`message does not name ${pointer}: ${show(r)}`);
      // Whatever failed (the schema, a limit, a step of tsrun-init), the message names the field.
      if (!NAMES_FIELD.test(r.stderr.trim().split('\n').at(-1) ?? '')) problems.push(`message names no JSON path: ${show(r)}`);
    }
  }
  if (existsSync(t.stateDir(id))) problems.push(`state directory left: ${id}`);
  if (cgroupDirsOf(id).length) problems.push(`cgroup left: ${cgroupDirsOf(id).join(', ')}`);
  if (!(await poll(() => liveDescendants().length === 0, 3000))) problems.push(`processes left: ${liveDescendants().join(', ')}`);
  const mounts = mountsUnder(testRootfs()).concat(mountsUnder(sandbox()));
  if (mounts.length) problems.push(`mounts left: ${mounts.join(', ')}`);
  return { ran, problems };
}

/**
 * The config moved onto a root of its own: a broken config may make the root writable or drop
 * the /dev tmpfs (device nodes then go into the root itself), never into the shared test rootfs.
 */
function onOwnRoot(text: string, own: string): string {
  return text.split(testRootfs()).join(own);
}

function corpusBundle(t: Tier, c: Case, own: string): string {
  if (c.text) return t.bundle(null, { text: onOwnRoot(c.text(t.base()), own) });
  const config = structuredClone(t.base()) as Doc;
  c.edit!(config);
  return t.bundle(null, { text: onOwnRoot(JSON.stringify(config), own) });
}

forEachMode((t) => {
  const runcRuns = CORPUS.filter((c) => c.runcAccepts).map((c) => c.name);
  it(`a corpus of ${CORPUS.length} broken configs: each runs or fails naming the JSON path, never a crash or a leftover (deliberate difference from runc: tsrun refuses ${runcRuns.join(', ')}; runc 1.1 takes them)`, async () => {
    const problems: string[] = [];
    const ran: string[] = [];
    const own = rootfsCopy();
    for (const c of CORPUS) {
      const id = t.id('corpus');
      const r = await t.tsrun(['create', id, '-b', corpusBundle(t, c, own)], { env: DEBUG });
      // Under the oracle runc may run what tsrun refuses (the deliberate differences named in runcAccepts).
      const o = await judge(t, id, r, otherRuntime && c.runcAccepts ? undefined : c.pointer);
      if (o.ran) ran.push(c.name);
      problems.push(...o.problems.map((p) => `${c.name}: ${p.replace(/(.)\1{200,}/g, '$1...').slice(0, 1500)}`));
    }
    console.log(`[${t.mode}] broken configs: ${CORPUS.length}, ran: ${ran.length} (${ran.join('; ')}), refused: ${CORPUS.length - ran.length}, problems: ${problems.length}`);
    expect(problems).toEqual([]);
  });

  it('a seeded sample of mutated configs really created: each runs or fails cleanly, never a crash or a leftover', async () => {
    const N = 40;
    const random = rng(t.mode === 'root' ? 0x7007 : 0x7008);
    const base = t.args(['true']) as unknown as Parameters<typeof mutate>[0];
    const problems: string[] = [];
    let ran = 0;
    const own = rootfsCopy();
    for (let i = 0; i < N; i++) {
      const id = t.id('mut');
      const doc = mutate(base, random);
      // A mutation may drop the mount namespace: that container mounts in its caller's namespace
      // (making its "/" rslave, as runc's prepareRootfs): as root, create runs in a namespace of
      // its own, which ends with the container, so the host's mounts are never touched.
      const wrap = t.mode === 'root' ? { wrap: ['unshare', '-m', '--propagation', 'slave'] } : {};
      const r = await t.tsrun(['create', id, '-b', t.bundle(null, { text: onOwnRoot(JSON.stringify(doc), own) })], { env: DEBUG, ...wrap });
      const o = await judge(t, id, r);
      ran += o.ran ? 1 : 0;
      problems.push(...o.problems.map((p) => `mutation ${i} ${JSON.stringify(doc).slice(0, 300)}: ${p.replace(/(.)\1{200,}/g, '$1...').slice(0, 1500)}`));
    }
    console.log(`[${t.mode}] mutated configs created for real: ${N}, ran: ${ran}, refused naming the JSON path: ${N - ran}, crashes, leftovers or unnamed failures: ${problems.length}`);
    expect(problems).toEqual([]);
    expect(ran).toBeGreaterThan(0);
  });

  it('an rlimit written as 18446744073709551615 (RLIM_INFINITY) is unlimited in the container, not 0', async () => {
    const id = t.id('rlinf');
    const { config, read } = t.withHostDir(t.args(['sh', '-c', 'ulimit -c > /mnt/core'], { process: { rlimits: [{ type: 'RLIMIT_CORE', soft: 2 ** 64, hard: 2 ** 64 }] } }));
    const text = JSON.stringify(config).replace(/18446744073709552000/g, '18446744073709551615');
    expect(text).toContain('18446744073709551615');
    expectOk(await t.tsrun(['run', id, '-b', t.bundle(null, { text })]));
    expect(read('core').trim()).toBe('unlimited');
  });

  const CLI: [string, string[], RegExp][] = [
    ['create without an id', ['create'], /"create" requires a container id/],
    ['an unknown flag', ['create', 'x', '--no-such-flag'], /flag provided but not defined: --no-such-flag/],
    ['an id with "/"', ['create', 'a/b'], /invalid container id "a\/b"/],
    ['a nonexistent bundle', ['create', 'nobundle', '-b', '/nonexistent/bundle'], /\/nonexistent\/bundle/],
    ['kill with an unknown signal', ['kill', 'whatever', 'SIGNOPE'], /unknown signal|SIGNOPE|whatever/],
    ['delete of an unknown id', ['delete', 'no-such-id'], /container no-such-id does not exist/],
    ['--preserve-fds not a number', ['create', 'pf', '--preserve-fds', 'many'], /invalid --preserve-fds "many"/],
  ];
  it.each(CLI)('bad command line: %s → exit 1, one clear line, no stack', async (_what, args, stderr) => {
    const r = expectFail(await t.tsrun(args, { env: DEBUG }), stderr);
    expect(r.exitCode, show(r)).toBe(1);
    expect(r.stderr, show(r)).not.toMatch(STACK);
    expect(existsSync(join(t.stateDir('nobundle')))).toBe(false);
  });

  it('a bundle whose config.json is a directory, or unreadable: a clear error', async () => {
    const bundle = t.bundle(null);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(bundle, 'config.json'));
    const r = expectFail(await t.tsrun(['create', t.id('dircfg'), '-b', bundle], { env: DEBUG }), /config\.json/);
    expect(r.stderr, show(r)).not.toMatch(STACK);
    expectOk(await t.tsrun(['list']));
  });
});
