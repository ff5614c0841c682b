// The normalized seccomp profile handed to the addon (mirrors addon/seccomp.h): every OCI name
// is already a libseccomp number, so the C++ side decides nothing.

export interface NativeSeccompArg {
  /** Syscall argument number, 0..5. */
  index: number;
  /** u64; the mask for SCMP_CMP_MASKED_EQ. */
  value: bigint;
  /** u64; the expected (masked) value for SCMP_CMP_MASKED_EQ, 0 otherwise unless given. */
  valueTwo: bigint;
  /** enum scmp_compare: SCMP_CMP_NE = 1 ... SCMP_CMP_MASKED_EQ = 7. */
  op: number;
}

export interface NativeSeccompRule {
  /** One syscall name; names libseccomp does not know are skipped by the addon. */
  name: string;
  /** libseccomp action value (SCMP_ACT_*), ERRNO/TRACE data in the low 16 bits. */
  action: number;
  args: NativeSeccompArg[];
}

export interface NativeSeccompProfile {
  /** The libseccomp soname to dlopen (LIBSECCOMP; a test names a missing one). */
  library?: string;
  /** libseccomp action value for syscalls no rule matches. */
  defaultAction: number;
  /** libseccomp architecture names ("x86_64", "x86", "aarch64", ...); empty only when the native arch is unknown to tsrun (libseccomp then uses its native one). */
  architectures: string[];
  rules: NativeSeccompRule[];
  /** For the -ENOSYS stub (enosys.ts): the profile's listed architectures (runc looks only at those)... */
  stubArchitectures?: string[];
  /** ... and every syscall name of the profile, whatever its action. */
  stubNames?: string[];
}

/** normalizeSeccomp's output: the profile for the addon plus what the load step needs. */
export interface NormalizedSeccomp extends NativeSeccompProfile {
  /** SECCOMP_FILTER_FLAG_* bits for seccomp(SECCOMP_SET_MODE_FILTER) in the init. */
  flags: number;
  /** Syscall names dropped by policy: their rule's action equals the default action. */
  skipped: string[];
  /** True when a rule uses SCMP_ACT_NOTIFY: the init must pass the listener fd to listenerPath. */
  notify: boolean;
  /** Flags of the profile the running kernel lacks: not applied (as runc). */
  droppedFlags: string[];
}
