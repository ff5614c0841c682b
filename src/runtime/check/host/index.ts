// Every host check, in the order the report prints them.
import type { HostCheck } from '../types.js';
import { checkCgroupLayout } from './cgroups.js';
import type { CheckContext } from './context.js';
import { checkCriu } from './criu.js';
import { checkDelegation } from './delegation.js';
import { checkIdmap } from './idmap.js';
import { checkOpenat2, checkPidfd, checkTimens } from './kernel.js';
import { checkLsm } from './lsm.js';
import { checkNewIdmap } from './newidmap.js';
import { checkSeccomp } from './seccomp.js';
import { checkSubid } from './subid.js';
import { checkSystemd } from './systemd.js';
import { checkUserns } from './userns.js';

export function hostChecks(ctx: CheckContext): HostCheck[] {
  return [
    checkUserns(ctx),
    // Subordinate ids and their helpers matter only to an unprivileged user.
    ...(ctx.rootless ? [checkSubid('uid'), checkSubid('gid'), checkNewIdmap('newuidmap'), checkNewIdmap('newgidmap')] : []),
    checkCgroupLayout(ctx),
    checkDelegation(ctx),
    checkSystemd(ctx),
    checkSeccomp(),
    checkIdmap(),
    checkTimens(),
    checkPidfd(),
    checkOpenat2(),
    checkLsm(),
    checkCriu(),
  ];
}
