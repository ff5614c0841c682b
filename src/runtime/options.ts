/** Global options every operation gets (the CLI's global flags). */
export interface GlobalOptions {
  root: string;
  systemdCgroup?: boolean;
}
