// runc's checkpoint/restore flags shared by both commands, as criu(8) command-line options.
import { existsSync } from 'node:fs';
import { NotSupportedError } from '../../errors.js';

export interface CriuCommonOptions {
  /** criu's images directory (runc --image-path, default ./checkpoint). */
  imagePath?: string;
  /** criu's work directory, logs (runc --work-path, default: the image path). */
  workPath?: string;
  tcpEstablished?: boolean;
  extUnixSk?: boolean;
  shellJob?: boolean;
  fileLocks?: boolean;
  /** 'soft' (runc's default), 'full', 'strict' or 'ignore'. */
  manageCgroupsMode?: string;
  /** --empty-ns: namespaces criu creates without restoring their contents. */
  emptyNs?: string[];
  autoDedup?: boolean;
  lazyPages?: boolean;
  /** The criu binary (the global --criu flag). */
  criu?: string;
}

const CGROUP_MODES = ['soft', 'full', 'strict', 'ignore'];
/** runc's annotation naming criu's configuration file (features: potentiallyUnsafeConfigAnnotations). */
export const CRIU_CONFIG_ANNOTATION = 'org.criu.config';
/** runc's namespaceMapping names; criu 3.17 takes only `net` for --empty-ns. */
const EMPTY_NS: Record<string, string> = { network: 'net', net: 'net' };

export function commonCriuArgs(o: CriuCommonOptions, annotations: Record<string, string> | undefined): string[] {
  // runc starts criu's lazy-pages daemon and a page server around it; tsrun does not.
  if (o.lazyPages) throw new NotSupportedError('--lazy-pages', "tsrun runs criu's command line without a lazy-pages daemon");
  const mode = o.manageCgroupsMode || 'soft';
  if (!CGROUP_MODES.includes(mode)) throw new NotSupportedError(`--manage-cgroups-mode ${mode}`, `one of ${CGROUP_MODES.join(', ')}`);
  const args = [`--manage-cgroups=${mode}`];
  if (o.tcpEstablished) args.push('--tcp-established');
  if (o.extUnixSk) args.push('--ext-unix-sk');
  if (o.shellJob) args.push('--shell-job');
  if (o.fileLocks) args.push('--file-locks');
  if (o.autoDedup) args.push('--auto-dedup');
  // runc's setEmptyNsMask: the network namespace is always left empty ("runc doesn't manage
  // network devices and their configuration"); --empty-ns adds to it.
  for (const ns of o.emptyNs ?? []) if (!EMPTY_NS[ns]) throw new NotSupportedError(`--empty-ns ${ns}`, 'criu creates only the network namespace empty');
  args.push('--empty-ns', 'net');
  // runc: the org.criu.config annotation names criu's configuration file ("" for none); without
  // it, /etc/criu/runc.conf when it exists.
  const config = annotations?.[CRIU_CONFIG_ANNOTATION] ?? (existsSync('/etc/criu/runc.conf') ? '/etc/criu/runc.conf' : '');
  if (config) args.push('--config', config);
  return args;
}
