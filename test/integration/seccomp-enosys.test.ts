// runc's -ENOSYS stub (libcontainer/seccomp/patchbpf): under a profile whose default action
// refuses (here ERRNO(EPERM)), a syscall whose number is above every syscall the profile names,
// on an architecture the profile lists, returns ENOSYS, so that glibc falls back to an older
// syscall; one the profile does not name below that still gets the default action. runc looks
// only at the listed architectures: a profile listing none gets no stub.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { repoRoot } from '../helpers/host.js';
import { forEachMode } from '../helpers/modes.js';
import { parseSyscall, syscallArgs } from '../helpers/probe.js';
import { expectOk } from '../helpers/tsrun.js';
import type { Seccomp } from '../../src/spec/types.js';

const DEFAULT_PROFILE = JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'seccomp', 'default-profile.json'), 'utf8')) as Seccomp;
const EPERM = 1;
const ENOSYS = 38;
/** Above every x86_64 syscall number (the table ends near 470). */
const NEWER = 1000;
const X64 = process.arch === 'x64';
const NOT_X64 = X64 ? '' : ` — SKIPPED: the profile and numbers are x86_64's, this host is ${process.arch}`;

forEachMode((t) => {
  async function call(seccomp: Seccomp, nr: number): Promise<{ ret: number; errno: number }> {
    const r = expectOk(await t.tsrun(['run', t.id('enosys'), '-b', t.bundle(t.args(syscallArgs(String(nr)), { linux: { seccomp } }))]));
    return parseSyscall(r.stdout);
  }
  const withArch: Seccomp = { ...DEFAULT_PROFILE, architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'] };

  it.skipIf(!X64)(`default ERRNO(EPERM): a syscall newer than every named one gets ENOSYS; keyctl (named by no rule, older) gets EPERM${NOT_X64}`, async () => {
    expect(await call(withArch, NEWER)).toEqual({ ret: -1, errno: ENOSYS });
    expect(await call(withArch, 250 /* keyctl */)).toEqual({ ret: -1, errno: EPERM });
  });

  it.skipIf(!X64)(`defaultErrnoRet EACCES: still ENOSYS past the last named syscall; a profile listing no architecture: no stub, the default action applies${NOT_X64}`, async () => {
    expect(await call({ ...withArch, defaultErrnoRet: 13 }, NEWER)).toEqual({ ret: -1, errno: ENOSYS });
    const { architectures: _, ...noArch } = withArch;
    expect(await call(noArch, NEWER)).toEqual({ ret: -1, errno: EPERM });
  });
});
