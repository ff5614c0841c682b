// A seeded generator of mutated config.json documents, for tests that every input either
// compiles or fails with a ConfigError-style message (never a crash).

/** mulberry32: small, seeded, good enough to pick mutations reproducibly. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const NASTY: Json[] = [
  null, true, false, 0, -1, -2147483649, 4294967296, 2 ** 64, 1.5, Number.MAX_SAFE_INTEGER,
  '', '..', '../../etc', '/..', 'a\0b', '/proc/self/fd/3', 'x'.repeat(5000), [], {}, [1, 'a'], { x: 1 },
  'CAP_NOPE', 'RLIMIT_NOPE', 'pid', 'bind', 'rbind,ro', '/dev/null',
];

function paths(doc: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(doc)) doc.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (doc && typeof doc === 'object') for (const [k, v] of Object.entries(doc)) paths(v, [...prefix, k], out);
  return out;
}

function setAt(doc: Json, path: (string | number)[], value: Json | undefined): Json {
  if (path.length === 0) return value === undefined ? null : value;
  const [head, ...rest] = path;
  if (Array.isArray(doc)) {
    const copy = [...doc];
    if (value === undefined && rest.length === 0) copy.splice(Number(head), 1);
    else copy[Number(head)] = setAt(copy[Number(head)], rest, value);
    return copy;
  }
  if (doc && typeof doc === 'object') {
    const copy = { ...doc };
    if (value === undefined && rest.length === 0) delete copy[head];
    else copy[head] = setAt(copy[head] ?? null, rest, value);
    return copy;
  }
  return doc;
}

/** One to three mutations: delete a node, replace it with a nasty value, or duplicate an array entry. */
export function mutate(base: Json, random: () => number): Json {
  let doc = base;
  const count = 1 + Math.floor(random() * 3);
  for (let i = 0; i < count; i++) {
    const all = paths(doc).filter((p) => p.length > 0);
    const target = all[Math.floor(random() * all.length)];
    const kind = random();
    if (kind < 0.3) doc = setAt(doc, target, undefined);
    else if (kind < 0.9) doc = setAt(doc, target, NASTY[Math.floor(random() * NASTY.length)]);
    else {
      const parent = target.slice(0, -1);
      const arr = parent.reduce<Json>((d, k) => (d as Record<string, Json>)[k as string], doc);
      if (Array.isArray(arr) && arr.length) doc = setAt(doc, parent, [...arr, arr[0]]);
    }
  }
  return doc;
}
