// Reads a bundle's config.json, validates it (spec-schemas/ via the precompiled validators),
// and returns it typed. Every problem is a ConfigError naming the JSON path.
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { statFile } from '../native/index.js';
import { checkConfigSize } from './bounds.js';
import type { Spec } from './types.js';
import { parseConfigText, validateConfig, warningsForConfig } from './validate.js';

export interface LoadedSpec {
  spec: Spec;
  warnings: string[];
  /** config.json as read: what the container keeps (runtime.md#create: later updates MUST NOT affect it). */
  text: string;
}

const unreadable = (file: string, code: string | undefined) =>
  new ConfigError(file, [{ pointer: '', rule: `cannot read the bundle's config.json (${code})`, section: 'bundle.md' }]);

export function loadBundleSpec(bundle: string): LoadedSpec {
  const file = `${bundle}/config.json`;
  let text: string;
  try {
    const st = statFile(file);
    if (!st) throw unreadable(file, 'ENOENT');
    checkConfigSize(st.size, file);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw unreadable(file, (e as NodeJS.ErrnoException).code);
  }
  const doc = parseConfigText(text);
  validateConfig(doc);
  return { spec: doc as Spec, warnings: warningsForConfig(doc), text };
}
