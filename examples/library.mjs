// tsrun as a library (README "Library"): run a container, then create one, exec into it,
// read its state and delete it. As root or as a user with user namespaces:
//
//   bundles/busybox/make-rootfs.sh && node examples/library.mjs bundles/busybox/rootfs
//
// Prints one JSON line per step (test/integration/library.test.ts runs it and reads them).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ContainerNotFoundError, Runtime } from 'tsrun';

const rootfs = resolve(process.argv[2] ?? 'bundles/busybox/rootfs');
const work = mkdtempSync(join(tmpdir(), 'tsrun-example-'));
const runtime = new Runtime({ root: process.argv[3] ?? join(work, 'state') });
const say = (step, value) => console.log(JSON.stringify({ step, ...value }));

// A bundle: the config `tsrun spec` writes (rootless: this user mapped to root), our rootfs.
const spec = runtime.spec({ rootless: process.geteuid() !== 0 });
spec.root = { path: rootfs, readonly: true };
// runc's spec asks for a terminal (a shell); this example reads the process's output streams.
spec.process.terminal = false;
spec.hostname = 'tsrun';
spec.process.args = ['sh', '-c', 'echo hello from $(hostname); exit 3'];
writeFileSync(join(work, 'config.json'), JSON.stringify(spec));

try {
  // run: the exit status and the output streams; the container is deleted when it ends.
  const run = await runtime.run('example-run', { bundle: work });
  const { status, stdout } = await run.output();
  say('run', { status, stdout });

  // The engine's steps: create, start, exec, state, kill, delete.
  spec.process.args = ['sleep', '1000'];
  writeFileSync(join(work, 'config.json'), JSON.stringify(spec));
  say('create', { status: (await runtime.create('example', { bundle: work, stdio: ['ignore', 'ignore', 'ignore'] })).status });
  await runtime.start('example');
  const exec = await runtime.exec('example', { args: ['cat', '/proc/1/cmdline'] });
  say('exec', { stdout: (await exec.output()).stdout.split('\0').join(' ').trim() });
  say('state', { status: (await runtime.state('example')).status });
  await runtime.kill('example', 'SIGKILL');
  await runtime.delete('example', { force: true });
  try {
    await runtime.state('example');
  } catch (e) {
    // Every error is a class with a stable code.
    if (!(e instanceof ContainerNotFoundError)) throw e;
    say('deleted', { code: e.code });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
