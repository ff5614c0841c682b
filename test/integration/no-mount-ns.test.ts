// A container without its own mount namespace (issue 12 item 9): the
// refusals runc's validator makes before anything starts (libcontainer/configs/validate security()).
// Running such a container is not implemented yet (it would mount in the caller's namespace, as runc).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { forEachMode } from '../helpers/modes.js';
import { stateRoot } from '../helpers/sandbox.js';
import { expectFail } from '../helpers/tsrun.js';

forEachMode((t) => {
  const withoutMountNs = (linux: Record<string, string[]>) => {
    const base = t.args(['true']);
    const namespaces = (base.linux?.namespaces ?? []).filter((n) => n.type !== 'mount');
    return t.args(['true'], { linux: { namespaces, ...linux } });
  };
  it.each([['maskedPaths', '/proc/kcore'], ['readonlyPaths', '/proc/sys']])('create refuses linux.%s without a mount namespace (runc: "unable to restrict sys entries"), leaves nothing', async (field, path) => {
    const id = t.id('nomnt');
    const r = await t.tsrun(['create', id, '-b', t.bundle(withoutMountNs({ [field]: [path] }))]);
    expectFail(r, /unable to restrict sys entries without a private MNT namespace/);
    expect(existsSync(join(stateRoot(t.mode), id))).toBe(false);
  });
});
