import { RuntimeError } from '../../errors.js';
import type { Translation } from '../types.js';

/** -1 (and the spec's "unlimited") is "max" in v2 files and -1 in v1 files. */
export const v2Limit = (n: number): string => (n === -1 ? 'max' : String(n));

export function translation(): Translation {
  return { writes: [], warnings: [] };
}

export class ResourceError extends RuntimeError {
  override readonly code: string = 'ERR_TSRUN_RESOURCE';
  constructor(readonly field: string, readonly value: unknown, reason: string) {
    super(`linux.resources.${field} = ${JSON.stringify(value)}: ${reason}`);
  }
}
