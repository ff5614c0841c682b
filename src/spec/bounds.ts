// Bounds of a config file, checked before it is parsed (issue 13 item 9): a 100 MB config costs
// several times its size in memory, and a deeply nested one overflows the stack of the
// recursive checks after JSON.parse. Real configs are kilobytes deep a few levels (runc reads
// config.json whole; these limits are far above what any engine writes).
import { ConfigError } from '../errors.js';

export const MAX_CONFIG_BYTES = 16 << 20;
export const MAX_CONFIG_DEPTH = 128;

const escape = (k: string): string => k.replace(/~/g, '~0').replace(/\//g, '~1');

export function checkConfigSize(size: number, file: string): void {
  if (size > MAX_CONFIG_BYTES) {
    throw new ConfigError(file, [{ pointer: '', rule: `is ${size} bytes, more than the ${MAX_CONFIG_BYTES} tsrun reads`, section: 'bundle.md' }]);
  }
}

/**
 * The JSON pointer of the first array or object nested deeper than MAX_CONFIG_DEPTH, by one
 * linear scan of the text (strings skipped); undefined when within bounds or not JSON (the
 * parser reports that).
 */
export function tooDeep(text: string): string | undefined {
  // Per open level: the key or index that the next value gets.
  const path: string[] = [];
  const isArray: boolean[] = [];
  let lastString = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      lastString = text.slice(i + 1, j);
      i = j;
    } else if (c === ':') {
      path[path.length - 1] = escape(lastString);
    } else if (c === '[' || c === '{') {
      if (path.length >= MAX_CONFIG_DEPTH) return `/${path.join('/')}`;
      path.push(c === '[' ? '0' : '');
      isArray.push(c === '[');
    } else if (c === ']' || c === '}') {
      path.pop();
      isArray.pop();
    } else if (c === ',' && isArray[isArray.length - 1]) {
      path[path.length - 1] = String(Number(path[path.length - 1]) + 1);
    }
  }
  return undefined;
}

export function checkConfigDepth(text: string, file: string): void {
  const at = tooDeep(text);
  if (at !== undefined) {
    throw new ConfigError(file, [{ pointer: at, rule: `nests arrays and objects more than ${MAX_CONFIG_DEPTH} deep`, section: 'bundle.md' }]);
  }
}
