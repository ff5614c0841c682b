import { describe, expect, it } from 'vitest';
import { RECOGNIZED_MOUNT_OPTIONS, parseMountOptions } from '../../src/plan/mount-options.js';
import { features } from '../../src/runtime/features.js';
import { defaultSpec } from '../../src/runtime/spec.js';
import { validateConfig, validateFeatures } from '../../src/spec/validate.js';

describe('features', () => {
  it('validates against our features schema', () => {
    expect(() => validateFeatures(features())).not.toThrow();
  });

  it('lists only mount options the compiler recognizes (none is passed through as filesystem data)', () => {
    for (const option of RECOGNIZED_MOUNT_OPTIONS) {
      expect(parseMountOptions([option]).data, option).toBe('');
    }
    expect(RECOGNIZED_MOUNT_OPTIONS).toEqual(expect.arrayContaining(['rro', 'rnosuid', 'ratime', 'tmpcopyup', 'idmap', 'ridmap', 'nosymfollow']));
  });
});

describe('spec', () => {
  it('writes configs that validate, for root and rootless', () => {
    expect(() => validateConfig(defaultSpec(undefined))).not.toThrow();
    const rootless = defaultSpec({ uid: 1000, gid: 1000 });
    expect(() => validateConfig(rootless)).not.toThrow();
    expect(rootless.linux?.namespaces?.map((n) => n.type)).toContain('user');
    expect(rootless.linux?.uidMappings).toEqual([{ containerID: 0, hostID: 1000, size: 1 }]);
  });
});
