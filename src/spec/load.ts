// Reads a bundle's config.json, validates it (spec-schemas/ via the precompiled validators),
// and returns it typed. Every problem is a ConfigError naming the JSON path.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { checkConfigSize } from './bounds.js';
import type { Spec } from './types.js';
import { parseConfigText, validateConfig, warningsForConfig } from './validate.js';

export interface LoadedSpec {
  spec: Spec;
  warnings: string[];
  /** config.json as read: what the container keeps (runtime.md#create: later updates MUST NOT affect it). */
  text: string;
}

export function loadBundleSpec(bundle: string): LoadedSpec {
  const file = join(bundle, 'config.json');
  let text: string;
  try {
    checkConfigSize(statSync(file).size, file);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(file, [{ pointer: '', rule: `cannot read the bundle's config.json (${code})`, section: 'bundle.md' }]);
  }
  const doc = parseConfigText(text);
  validateConfig(doc);
  return { spec: doc as Spec, warnings: warningsForConfig(doc), text };
}
