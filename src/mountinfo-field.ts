// proc(5): /proc/<pid>/mountinfo escapes space, tab, newline and backslash in its path fields
// as \ooo (octal).

/** A mountinfo path field as the path it names. */
export function unescapeMountField(s: string): string {
  // Most fields hold no escape: no regular expression to compile and run for them.
  if (!s.includes('\\')) return s;
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}
