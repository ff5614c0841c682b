// linux.intelRdt's rules (config-linux.md#intelrdt) on a fake resctrl tree in a temp directory.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { resctrlPlan } from '../../src/resctrl/plan.js';
import { joinResctrl, removeResctrl, resctrlMountOf, setupResctrl } from '../../src/resctrl/resctrl.js';

const fakeRoot = () => {
  const root = mkdtempSync(join(tmpdir(), 'resctrl-'));
  writeFileSync(join(root, 'schemata'), 'L3:0=7ff;1=7ff\nMB:0=100;1=100\n');
  return root;
};
const plan = (rdt: Parameters<typeof resctrlPlan>[0], root: string) => resctrlPlan(rdt, 'ctr', root, existsSync, (p) => readFileSync(p, 'utf8'));

describe('intelRdt → resctrl', () => {
  it('finds the resctrl mount in mountinfo', () => {
    expect(resctrlMountOf('22 1 0:20 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n40 22 0:35 / /sys/fs/resctrl rw,relatime - resctrl resctrl rw\n')).toBe('/sys/fs/resctrl');
    expect(resctrlMountOf('22 1 0:20 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n')).toBeUndefined();
  });

  it('no closID: a group named after the container, made and removed by tsrun, schemata l3 then mb then schemata', () => {
    const root = fakeRoot();
    const rec = setupResctrl({ l3CacheSchema: 'L3:0=f0', memBwSchema: 'MB:0=20', schemata: ['L2:0=3'] }, 'ctr', root);
    expect(rec).toEqual({ group: join(root, 'ctr'), createdGroup: true });
    expect(readFileSync(join(root, 'ctr', 'schemata'), 'utf8')).toBe('L3:0=f0\nMB:0=20\nL2:0=3\n');
    joinResctrl(rec, 1234);
    expect(readFileSync(join(root, 'ctr', 'tasks'), 'utf8')).toBe('1234');
    // On resctrl these files are the kernel's and rmdir takes them along; here they are plain files.
    for (const f of ['schemata', 'tasks']) rmSync(join(root, 'ctr', f));
    removeResctrl(rec);
    expect(existsSync(join(root, 'ctr'))).toBe(false);
  });

  it('enableMonitoring: a MON group named after the container in the group\'s mon_groups, joined instead of the group', () => {
    const root = fakeRoot();
    mkdirSync(join(root, 'gold', 'mon_groups'), { recursive: true });
    const rec = setupResctrl({ closID: 'gold', enableMonitoring: true }, 'ctr', root);
    expect(rec).toEqual({ group: join(root, 'gold'), createdGroup: false, monGroup: join(root, 'gold', 'mon_groups', 'ctr') });
    joinResctrl(rec, 99);
    expect(readFileSync(join(root, 'gold', 'mon_groups', 'ctr', 'tasks'), 'utf8')).toBe('99');
    rmSync(join(root, 'gold', 'mon_groups', 'ctr', 'tasks'));
    removeResctrl(rec);
    expect(existsSync(join(root, 'gold', 'mon_groups', 'ctr'))).toBe(false);
    expect(existsSync(join(root, 'gold'))).toBe(true);
  });

  it('closID "/" is the root group; a closID without schemata must exist and is never removed', () => {
    const root = fakeRoot();
    expect(plan({ closID: '/' }, root)).toEqual({ group: root, createGroup: false, schemata: undefined, monGroup: undefined });
    expect(() => plan({ closID: 'gold' }, root)).toThrow(/\/linux\/intelRdt\/closID: resctrl group .*gold does not exist/);
    mkdirSync(join(root, 'gold'));
    const rec = setupResctrl({ closID: 'gold' }, 'ctr', root);
    removeResctrl(rec);
    expect(existsSync(join(root, 'gold'))).toBe(true);
  });

  it('an existing closID with l3CacheSchema/memBwSchema is compared with its schemata, an error when they differ', () => {
    const root = fakeRoot();
    mkdirSync(join(root, 'gold'));
    writeFileSync(join(root, 'gold', 'schemata'), '    L3:0=7f0;1=7ff\n    MB:0=20;1=100\n');
    expect(plan({ closID: 'gold', l3CacheSchema: 'L3:0=7f0', memBwSchema: 'MB:0=20' }, root).createGroup).toBe(false);
    expect(() => plan({ closID: 'gold', l3CacheSchema: 'L3:0=00f' }, root)).toThrow(ConfigError);
    // A missing one is made with the schemata (and kept on delete: closID was given).
    const rec = setupResctrl({ closID: 'silver', memBwSchema: 'MB:0=50' }, 'ctr', root);
    expect(rec.createdGroup).toBe(true);
    expect(readFileSync(join(root, 'silver', 'schemata'), 'utf8')).toBe('MB:0=50\n');
  });

  it('refuses a closID that is not a plain name, and a group of the container id that exists', () => {
    const root = fakeRoot();
    expect(() => plan({ closID: '../x' }, root)).toThrow(/\/linux\/intelRdt\/closID: "..\/x" is not a directory name/);
    mkdirSync(join(root, 'ctr'));
    expect(() => plan({}, root)).toThrow(/exists already/);
  });
});
