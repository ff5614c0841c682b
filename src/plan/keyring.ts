// A session keyring of the container's own (runc semantics; keyrings(7)): create joins a new
// keyring named "_ses.<id>" and makes it searchable; exec joins the same one by name.
// `--no-new-keyring` keeps the runtime's session keyring instead (no step at all).
import { Op } from '../process/protocol.js';
import type { PlanStep } from './types.js';

/** KEY_OTH_SEARCH and KEY_USR_SEARCH of <linux/keyctl.h>. */
const KEY_OTH_SEARCH = 0x08;
const KEY_USR_SEARCH = 0x080000;

export const sessionKeyringName = (id: string): string => `_ses.${id}`;

/**
 * runc's getSessionRingParams gives "other" search in a user namespace and "user" search
 * without one. The owner is the container's root in both cases here, and exec must find the
 * keyring by name again (KEYCTL_JOIN_SESSION_KEYRING only joins a keyring its caller may
 * search, else it makes a new one: keyctl_join_session_keyring(3)), so "user" search is added
 * in both, and "other" search as runc in a user namespace.
 */
export function sessionKeyringStep(name: string, newUserNs: boolean, forExec = false): PlanStep {
  return { op: Op.SESSION_KEYRING, args: [name, forExec ? 0 : KEY_USR_SEARCH | (newUserNs ? KEY_OTH_SEARCH : 0)] };
}
