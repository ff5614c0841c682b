// Container statuses and the operations each allows (runtime.md#lifecycle, #operations).
import type { ContainerStatus } from '../spec/types.js';

export type Status = ContainerStatus | 'paused';

export const canStart = (s: Status): boolean => s === 'created';
export const canKill = (s: Status): boolean => s === 'created' || s === 'running' || s === 'paused';
export const canDelete = (s: Status): boolean => s === 'stopped' || s === 'creating';
export const canExec = (s: Status): boolean => s === 'running' || s === 'created';
/** runc pauses a created container too (libcontainer Container.Pause: Running or Created). */
export const canPause = (s: Status): boolean => s === 'running' || s === 'created';
