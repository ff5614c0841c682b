// The vocabulary of `tsrun check`: what one host check found, what one config field cannot
// get here, and the whole report.

/**
 * ok: works here. missing: this host lacks it; only configs that need it fail (check --bundle
 * says which). fail: tsrun cannot run containers here at all in this mode.
 */
export type Verdict = 'ok' | 'missing' | 'fail';

export interface HostCheck {
  /** Stable name: 'userns', 'subuid', 'cgroup.delegation', ... */
  id: string;
  verdict: Verdict;
  /** What was found (the values read), lowercase prose. */
  detail: string;
  /** How to get it, when it is not ok. */
  fix?: string;
}

/** One config field this host cannot honour: `tsrun run` of the bundle would fail for it. */
export interface BundleProblem {
  /** JSON pointer into config.json ('' for the whole file). */
  pointer: string;
  /** The runtime-spec section of the field ('config-linux.md#namespaces'). */
  section: string;
  reason: string;
  fix: string;
}

export interface CheckReport {
  /** Whether containers can run here in this mode and, with a bundle, whether it would run. */
  ok: boolean;
  rootless: boolean;
  host: HostCheck[];
  bundle?: { path: string; problems: BundleProblem[] };
}
