// Signals by name (with or without SIG) or number, as `runc kill` takes them.
import { UsageError } from '../errors.js';
import { signalNumbers } from '../native/index.js';

export function parseSignal(text: string): number {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n >= 1 && n <= 64) return n;
  } else {
    const name = text.toUpperCase().startsWith('SIG') ? text.toUpperCase() : `SIG${text.toUpperCase()}`;
    const signals = signalNumbers();
    if (name in signals) return signals[name];
    const rt = /^SIGRTMIN(\+(\d+))?$/.exec(name);
    if (rt) return 34 + Number(rt[2] ?? 0);
  }
  throw new UsageError(`unknown signal "${text}"`);
}
