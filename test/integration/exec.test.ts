// exec (runc's flags): the new process joins every namespace and the cgroup of the container,
// gets the flags' env/cwd/user/caps/no_new_privs, its exit status becomes tsrun's; --tty with
// --console-socket hands a pty master to the test's receiver; exec into a stopped or paused
// container fails clearly.
import { closeSync, existsSync, openSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { startConsoleReceiver } from '../helpers/console.js';
import { oracleSkip, otherRuntime, pidAlive, poll, tsrunWording } from '../helpers/host.js';
import { forEachMode } from '../helpers/modes.js';
import { expectFail, expectOk, show } from '../helpers/tsrun.js';

const NS = ['pid', 'net', 'ipc', 'uts', 'mnt', 'user', 'cgroup'];
const nsOf = (pid: number) => Object.fromEntries(NS.map((n) => [n, readlinkSync(`/proc/${pid}/ns/${n}`)]));

forEachMode((t) => {
  /** A running container: its process writes a marker in its own /dev/shm, then sleeps. */
  async function running(overrides = {}) {
    const id = t.id('exec');
    const config = t.args(['sh', '-c', 'echo in-container > /dev/shm/marker; exec sleep 1000'], overrides);
    const bundle = t.bundle(config);
    expectOk(await t.tsrun(['create', id, '-b', bundle]));
    expectOk(await t.tsrun(['start', id]));
    const { pid } = await t.waitStatus(id, 'running');
    await poll(() => readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'sleep');
    return { id, pid: pid!, bundle, config };
  }

  it('sees the container: its hostname, pid namespace (pid 1 is its process) and mounts', async () => {
    const { id } = await running();
    // No `--` after the id: runc 1.1 would run "--" (its exec takes everything after the id as the command).
    const r = expectOk(await t.tsrun(['exec', id, 'sh', '-c', 'hostname; cat /proc/1/comm; cat /dev/shm/marker; echo $$']));
    const [hostname, comm, marker, self] = r.stdout.trim().split('\n');
    expect(hostname).toBe('tsrun-test');
    expect(comm).toBe('sleep');
    expect(marker).toBe('in-container');
    expect(Number(self), 'the exec process is in the pid namespace, not pid 1').toBeGreaterThan(1);
  });

  it('exits with the process status (sh -c "exit 5" → 5; killed by SIGKILL → 137)', async () => {
    const { id } = await running();
    expect((await t.tsrun(['exec', id, 'sh', '-c', 'exit 5'])).exitCode).toBe(5);
    expect((await t.tsrun(['exec', id, 'sh', '-c', 'kill -9 $$'])).exitCode).toBe(137);
    const missing = expectFail(await t.tsrun(['exec', id, 'no-such-program']), /no-such-program/);
    expect(missing.stderr, show(missing)).toMatch(/no such file|executable file not found/i);
  });

  it('-d --pid-file: the process is in every namespace of the container and in its cgroup', async () => {
    const { id, pid } = await running();
    const pidFile = join(t.scratch(), `${id}.exec.pid`);
    expectOk(await t.tsrun(['exec', '-d', '--pid-file', pidFile, id, 'sleep', '1000']));
    const execPid = Number(readFileSync(pidFile, 'utf8'));
    expect(pidAlive(execPid)).toBe(true);
    expect(nsOf(execPid)).toEqual(nsOf(pid));
    expect(readFileSync(`/proc/${execPid}/cgroup`, 'utf8')).toBe(readFileSync(`/proc/${pid}/cgroup`, 'utf8'));
    if (t.mode === 'root') expect(readFileSync(`/proc/${execPid}/cgroup`, 'utf8')).toMatch(new RegExp(`/${id}$`, 'm'));
  });

  it('--env, --cwd, --cap and --no-new-privs apply to the new process', async () => {
    // A capabilities list to add to: runc 1.1's exec --cap dereferences process.capabilities
    // (exec.go getProcess: a nil pointer panic without it).
    const chown = ['CAP_CHOWN'];
    const { id } = await running({ process: { capabilities: { bounding: chown, effective: chown, permitted: chown } } });
    const r = expectOk(
      // One spelling of a repeated flag (runc's CLI refuses `--env` with `-e`: "Cannot use two forms of the same flag").
      await t.tsrun(['exec', '--env', 'FOO=bar', '--env', 'X=y z', '--cwd', '/etc', '--cap', 'CAP_KILL', '--no-new-privs', id, 'sh', '-c', 'echo "$FOO|$X|$(pwd)"; grep -E "^(CapEff|NoNewPrivs)" /proc/self/status']),
    );
    const [line, capEff, nnp] = r.stdout.trim().split('\n');
    expect(line).toBe('bar|y z|/etc');
    expect(BigInt(`0x${capEff.split(/\s+/)[1]}`) & (1n << 5n), capEff).not.toBe(0n); // CAP_KILL = 5
    expect(nnp).toMatch(/NoNewPrivs:\s+1/);
  });

  if (t.mode === 'root') {
    it('--user uid:gid and --additional-gids', async () => {
      const { id } = await running();
      const r = expectOk(await t.tsrun(['exec', '--user', '1000:1001', '--additional-gids', '2000', id, 'sh', '-c', 'echo $(id -u) $(id -g) $(id -G)']));
      expect(r.stdout.trim()).toBe('1000 1001 1001 2000');
    });
  } else {
    it('--user 1000 fails clearly: the rootless user namespace maps only uid 0', async () => {
      const { id } = await running();
      expectFail(await t.tsrun(['exec', '--user', '1000:1000', id, 'id']), /user|setres|EINVAL|Invalid argument/i);
    });
  }

  it('--process FILE runs that process as given (args, env, cwd)', async () => {
    const { id } = await running();
    const file = join(t.scratch(), `${id}.process.json`);
    writeFileSync(file, JSON.stringify({ args: ['sh', '-c', 'echo "$A $(pwd)"'], env: ['PATH=/bin', 'A=from-file'], cwd: '/proc', user: { uid: 0, gid: 0 } }));
    const r = expectOk(await t.tsrun(['exec', '--process', file, id]));
    expect(r.stdout.trim()).toBe('from-file /proc');
  });

  it.skipIf(!!otherRuntime)(`--tty --console-socket: the receiver gets the pty master (consoleSize applied), the process its slave as stdio and controlling terminal (deliberate difference from runc: tsrun takes --console-socket without --detach too)${oracleSkip('runc 1.1 refuses it: "cannot use console socket if runc will not detach or allocate tty"')}`, async () => {
    const { id } = await running();
    const rcv = await startConsoleReceiver(join(t.scratch(), `${id}.sock`));
    const file = join(t.scratch(), `${id}.tty.json`);
    writeFileSync(file, JSON.stringify({ terminal: true, consoleSize: { height: 33, width: 101 }, args: ['sh', '-c', 'tty; stty size; test -t 0 && echo stdin-tty; exit 4'], env: ['PATH=/bin'], cwd: '/', user: { uid: 0, gid: 0 } }));
    const r = await t.tsrun(['exec', '--tty', '--console-socket', rcv.socket, '--process', file, id]);
    expect(r.exitCode, show(r)).toBe(4);
    const info = await rcv.info();
    expect(info).toMatchObject({ rows: 33, cols: 101 });
    const out = (await rcv.done).stdout.replace(/\r/g, '').trim().split('\n');
    expect(out).toEqual([info.name, '33 101', 'stdin-tty']);
  });

  it('--detach --tty --console-socket (as conmon calls it): tsrun returns, the output reaches the receiver', async () => {
    const { id } = await running();
    const rcv = await startConsoleReceiver(join(t.scratch(), `${id}.sock`), 'typed\n');
    expectOk(await t.tsrun(['exec', '--detach', '--tty', '--console-socket', rcv.socket, id, 'sh', '-c', 'read line; echo "got $line"']));
    const out = (await rcv.done).stdout.replace(/\r/g, '');
    expect(out).toContain('got typed');
  });

  it('--preserve-fds 1: the caller\'s fd 3 is the process\'s fd 3, and nothing above it', async () => {
    const { id } = await running();
    const file = join(t.scratch(), `${id}.fd3`);
    writeFileSync(file, 'through-fd-3\n');
    const fd = openSync(file, 'r');
    try {
      const r = expectOk(await t.tsrun(['exec', '--preserve-fds', '1', id, 'sh', '-c', 'cat <&3; ls /proc/self/fd'], { fds: [fd] }));
      const [content, ...fds] = r.stdout.trim().split('\n');
      expect(content).toBe('through-fd-3');
      // ls itself opens one directory fd (4 or the lowest free number).
      expect(fds.map(Number).filter((n) => n > 4), show(r)).toEqual([]);
    } finally {
      closeSync(fd);
    }
  });

  const secondRing = t.mode === 'rootless' && !!otherRuntime;
  it.skipIf(secondRing)(`joins the container's session keyring (_ses.<id>), which create made${secondRing ? oracleSkip("runc 1.1's rootless exec makes a second keyring of that name") : ''}`, async () => {
    const { id } = await running();
    const r = expectOk(await t.tsrun(['exec', id, 'grep', '-c', `_ses.${id}`, '/proc/keys']));
    expect(r.stdout.trim()).toBe('1');
  });

  const apparmor = existsSync('/sys/module/apparmor/parameters/enabled');
  it.skipIf(apparmor)(`--apparmor on a host without AppArmor fails clearly, naming the field${apparmor ? ' — SKIPPED: this host has AppArmor' : ''}`, async () => {
    const { id } = await running();
    expectFail(await t.tsrun(['exec', '--apparmor', 'some-profile', id, 'true']), tsrunWording(/apparmorProfile: apparmor is not enabled/));
  });

  it.skipIf(!!otherRuntime)(`uses the config create read: the bundle's config.json changed or broken afterwards changes nothing (runtime.md#create; deliberate difference from runc: runc 1.1's exec reads the bundle's config.json again)${oracleSkip('runc 1.1 takes the changed process.env and fails on the broken file')}`, async () => {
    const { id, bundle, config } = await running();
    const env = [...config.process!.env!, 'MARK=at-create'];
    const { id: marked, bundle: markedBundle } = await running({ process: { ...config.process, env } });
    writeFileSync(join(markedBundle, 'config.json'), JSON.stringify({ ...config, process: { ...config.process, env: [...env.slice(0, -1), 'MARK=changed'] } }));
    expect(expectOk(await t.tsrun(['exec', marked, 'sh', '-c', 'echo $MARK'])).stdout.trim()).toBe('at-create');
    writeFileSync(join(bundle, 'config.json'), '{ not json');
    expect(expectOk(await t.tsrun(['exec', id, 'echo', 'still-runs'])).stdout.trim()).toBe('still-runs');
  });

  it('into a stopped container fails clearly', async () => {
    const id = t.id('execstop');
    expectOk(await t.tsrun(['create', id, '-b', t.bundle(t.args(['true']))]));
    expectOk(await t.tsrun(['start', id]));
    await t.waitStatus(id, 'stopped');
    // runc's words; tsrun adds the id (README, runc compatibility).
    expectFail(await t.tsrun(['exec', id, 'true']), otherRuntime ? /cannot exec in a stopped container/ : new RegExp(`container ${id}: cannot exec in a stopped container`));
  });

  if (t.mode === 'root') {
    it('into a paused container fails clearly (resume first or --ignore-paused)', async () => {
      const { id } = await running();
      expectOk(await t.tsrun(['pause', id]));
      expectFail(await t.tsrun(['exec', id, 'true']), /cannot exec in a paused container.*--ignore-paused/);
      expectOk(await t.tsrun(['resume', id]));
      expectOk(await t.tsrun(['exec', id, 'true']));
    });
  } else {
    it.skip('into a paused container [SKIPPED: rootless has no delegated cgroup on this host, so pause itself fails]', () => {});
  }
});
