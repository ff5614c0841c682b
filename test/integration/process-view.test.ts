// What the container's process finds when it starts, as runc 1.1 shows it (issue 12): HOME from
// /etc/passwd, a created cwd, lo up in a new network namespace, its own session and process
// group, a tmpfs with the mode of the directory it covers.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { PATH_ENV, tmpfsMount } from '../helpers/config.js';
import { runContainer } from '../helpers/fs.js';
import { forEachMode, type Tier } from '../helpers/modes.js';
import { expectOk, show } from '../helpers/tsrun.js';

const NO_HOME = { process: { env: [PATH_ENV] } };

/** A detached container that sleeps, for exec. */
async function sleeper(t: Tier, overrides = {}): Promise<string> {
  const id = t.id('view');
  expectOk(await t.tsrun(['run', '-d', '-b', t.bundle(t.args(['sleep', '1000'], overrides)), id]));
  await t.waitStatus(id, 'running');
  return id;
}

/** "pid pgrp session" of /proc/<which>/stat (proc(5) fields 1, 5, 6), in the container's pid namespace. */
const STAT_IDS = (which: string) => `cut -d' ' -f1,5,6 /proc/${which}/stat`;

forEachMode((t) => {
  it('HOME: without one in process.env the process gets its /etc/passwd home (root: /root)', async () => {
    const r = expectOk(await runContainer(t, t.args(['sh', '-c', 'echo "HOME=$HOME"'], NO_HOME)));
    expect(r.stdout.trim(), show(r)).toBe('HOME=/root');
  });

  it('HOME: an empty HOME counts as unset; a non-empty one is kept', async () => {
    const empty = expectOk(await runContainer(t, t.args(['sh', '-c', 'echo "HOME=$HOME"'], { process: { env: [PATH_ENV, 'HOME='] } })));
    expect(empty.stdout.trim(), show(empty)).toBe('HOME=/root');
    const kept = expectOk(await runContainer(t, t.args(['sh', '-c', 'echo "HOME=$HOME"'], { process: { env: [PATH_ENV, 'HOME=/somewhere'] } })));
    expect(kept.stdout.trim(), show(kept)).toBe('HOME=/somewhere');
  });

  it('HOME: exec (args and --process without HOME or user) gets it too', async () => {
    const id = await sleeper(t, NO_HOME);
    const r = expectOk(await t.tsrun(['exec', id, 'sh', '-c', 'echo "HOME=$HOME"']));
    expect(r.stdout.trim(), show(r)).toBe('HOME=/root');
    const file = join(t.scratch(), `${id}.process.json`);
    writeFileSync(file, JSON.stringify({ args: ['sh', '-c', 'echo "HOME=$HOME"'], env: [PATH_ENV], cwd: '/' }));
    const p = expectOk(await t.tsrun(['exec', '-p', file, id]));
    expect(p.stdout.trim(), show(p)).toBe('HOME=/root');
  });

  if (t.mode === 'root') {
    it('HOME: uid 1000 gets /home/user from /etc/passwd, a uid with no entry gets /', async () => {
      const user = expectOk(await runContainer(t, t.args(['sh', '-c', 'echo "HOME=$HOME"'], { process: { env: [PATH_ENV], user: { uid: 1000, gid: 1000 } } })));
      expect(user.stdout.trim(), show(user)).toBe('HOME=/home/user');
      const none = expectOk(await runContainer(t, t.args(['sh', '-c', 'echo "HOME=$HOME"'], { process: { env: [PATH_ENV], user: { uid: 4242, gid: 4242 } } })));
      expect(none.stdout.trim(), show(none)).toBe('HOME=/');
    });
  }

  it('cwd: a missing process.cwd is created 0755 (parents too) inside the root', async () => {
    const config = t.args(['sh', '-c', 'pwd; stat -c "%a %n" /mnt/a /mnt/a/b'], { process: { cwd: '/mnt/a/b' }, mounts: [...t.base().mounts!, tmpfsMount('/mnt')] });
    const r = expectOk(await runContainer(t, config));
    expect(r.stdout.trim().split('\n'), show(r)).toEqual(['/mnt/a/b', '755 /mnt/a', '755 /mnt/a/b']);
  });

  it('loopback: lo is up in a new network namespace and 127.0.0.1 serves inside the container', async () => {
    const namespaces = [...t.base().linux!.namespaces!.filter((n) => n.type !== 'network'), { type: 'network' as const }];
    const script = 'ip -o link show lo; mkdir /tmp/www; echo hello > /tmp/www/index.html; httpd -p 127.0.0.1:8080 -h /tmp/www; timeout 10 wget -q -O - http://127.0.0.1:8080/index.html';
    const config = t.args(['sh', '-c', script], { linux: { namespaces }, mounts: [...t.base().mounts!, tmpfsMount('/tmp')] });
    const r = expectOk(await runContainer(t, config));
    const [link, ...body] = r.stdout.trim().split('\n');
    expect(link, show(r)).toMatch(/<LOOPBACK,UP,LOWER_UP>/);
    expect(body, show(r)).toEqual(['hello']);
  });

  it('process group: the container process and an exec\'d one each lead their own session and group', async () => {
    const run = expectOk(await runContainer(t, t.args(['sh', '-c', STAT_IDS('1')])));
    expect(run.stdout.trim(), show(run)).toBe('1 1 1');
    const id = await sleeper(t);
    const r = expectOk(await t.tsrun(['exec', id, 'sh', '-c', `${STAT_IDS('$$')}`]));
    const [pid, pgrp, sid] = r.stdout.trim().split(' ').map(Number);
    expect(pid, show(r)).toBeGreaterThan(1);
    expect([pgrp, sid], `getpgrp() and getsid() of the exec'd shell ${pid}: ${show(r)}`).toEqual([pid, pid]);
  });

  it('tmpfs without mode= takes the mode of the directory it covers; a created mount point gets 1777', async () => {
    // The rootfs's /mnt is 0755, /tmp 1777, /root 0700; /mnt/new does not exist (a tmpfs root defaults to 1777).
    const plain = (destination: string, more: string[] = []) => ({ destination, type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'size=1m', ...more] });
    const mounts = [...t.base().mounts!, plain('/mnt'), plain('/tmp'), plain('/mnt/new'), plain('/root', ['ro'])];
    const config = t.args(['sh', '-c', 'stat -c "%a %n" /mnt /tmp /mnt/new /root; touch /root/x 2>/dev/null || echo read-only'], { mounts });
    const r = expectOk(await runContainer(t, config));
    expect(r.stdout.trim().split('\n'), show(r)).toEqual(['755 /mnt', '1777 /tmp', '1777 /mnt/new', '700 /root', 'read-only']);
  });
});
