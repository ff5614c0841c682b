// The bad-config corpus: config.json edits that create must refuse, each with the stderr that
// names where. test/integration/badconfig.test.ts runs create on them; check.test.ts checks
// that `tsrun check --bundle` predicts that outcome for the same reason.
import type { Spec } from './config.js';
import type { Tier } from './modes.js';

type Edit = (c: Record<string, any>) => void; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface BadConfigCase {
  name: string;
  edit?: Edit;
  text?: string;
  /** No config.json in the bundle at all. */
  missing?: boolean;
  stderr: RegExp;
  /** runc (the oracle) accepts it: a deliberate difference of tsrun, named here. */
  runcAccepts?: string;
}

export const BAD_CONFIGS: BadConfigCase[] = [
  { name: 'process.args of the wrong type (a string)', edit: (c) => (c.process.args = 'true'), stderr: /\/process\/args\b/ },
  { name: 'hostname of the wrong type (a number)', edit: (c) => (c.hostname = 42), stderr: /\/hostname\b/ },
  { name: 'root.readonly of the wrong type', edit: (c) => (c.root.readonly = 'yes'), stderr: /\/root\/readonly\b/ },
  { name: 'a missing ociVersion', edit: (c) => delete c.ociVersion, stderr: /ociVersion/, runcAccepts: 'config.md makes ociVersion REQUIRED; runc 1.1 does not check it' },
  { name: 'a mount without destination', edit: (c) => delete c.mounts[1].destination, stderr: /\/mounts\/1\b.*destination|destination.*\/mounts\/1\b/ },
  { name: 'a duplicate namespace', edit: (c) => c.linux.namespaces.push({ type: 'pid' }), stderr: /\/linux\/namespaces\b/ },
  {
    name: 'an unknown namespace type',
    edit: (c) => (c.linux.namespaces[2].type = 'pidd'),
    stderr: /config\.json: \/linux\/namespaces\/2\/type: must be one of .*\(config-linux\.md#namespaces\)/,
  },
  { name: 'invalid JSON', text: '{"ociVersion": "1.3.0", "process": {', stderr: /config\.json/ },
  { name: 'JSON that is not an object', text: '[1, 2, 3]\n', stderr: /config\.json/ },
  { name: 'no config.json in the bundle', missing: true, stderr: /config\.json/ },
];

/** A bundle of the tier's base config with the case's edit (or text, or no config.json). */
export function badConfigBundle(t: Tier, c: BadConfigCase): string {
  if (c.missing) return t.bundle(null);
  if (c.text !== undefined) return t.bundle(null, { text: c.text });
  const config = structuredClone(t.base()) as Spec & Record<string, unknown>;
  c.edit!(config);
  return t.bundle(config);
}
