// A test helper program in C (test/helpers/<name>.c), compiled once per source hash with the
// system C compiler into /tmp, readable and runnable by every tier.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './host.js';

export function helperBin(name: string): string {
  const source = join(repoRoot, 'test', 'helpers', `${name}.c`);
  const hash = createHash('sha256').update(readFileSync(source)).digest('hex').slice(0, 12);
  const bin = `/tmp/tsrun-${name}-${hash}`;
  if (!existsSync(bin)) {
    execFileSync('cc', ['-O2', '-Wall', '-o', `${bin}.tmp`, source]);
    renameSync(`${bin}.tmp`, bin);
  }
  return bin;
}
