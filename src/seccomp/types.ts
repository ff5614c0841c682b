/** A seccomp profile normalized to libseccomp's numbers; mirrors addon/seccomp.h. */
export interface NativeSeccompProfile {
  defaultAction: number;
  architectures: string[];
  rules: {
    name: string;
    action: number;
    args: { index: number; value: bigint; valueTwo: bigint; op: number }[];
  }[];
}
