// A synchronous sleep: the runtime's commands are synchronous, and polling /proc or a cgroup
// file must not spin. Atomics.wait on a cell nobody notifies blocks for exactly the timeout.
const cell = new Int32Array(new SharedArrayBuffer(4));

export function sleepSync(ms: number): void {
  Atomics.wait(cell, 0, 0, ms);
}
