// A test seccomp agent (test/probe/seccomp-agent.cc) listening on a listenerPath: built once
// per source hash, started per test; it records each container process state it receives and
// answers every notification with a fixed return value.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './host.js';

const source = join(repoRoot, 'test', 'probe', 'seccomp-agent.cc');

function agentBinary(): string {
  const h = createHash('sha256').update(readFileSync(source)).digest('hex').slice(0, 12);
  const bin = `/tmp/tsrun-test-seccomp-agent-${process.geteuid?.()}-${h}`;
  if (!existsSync(bin)) {
    execFileSync('g++', ['-O2', '-Wall', '-o', `${bin}.tmp.${process.pid}`, source], { stdio: ['ignore', 'ignore', 'inherit'] });
    renameSync(`${bin}.tmp.${process.pid}`, bin);
  }
  return bin;
}

export interface Agent {
  socket: string;
  /** The n-th container process state received (0 the first), once the runtime has sent it. */
  state(n?: number): Record<string, unknown> | undefined;
  /** Whether a listener fd came with the n-th state. */
  listenerReceived(n?: number): boolean;
  process: ChildProcess;
  stop(): void;
}

/** Starts an agent on `<dir>/<name>.sock` for `count` connections, answering with `value`; resolves when it listens. */
export async function startAgent(dir: string, name: string, value: number, count = 1): Promise<Agent> {
  const socket = join(dir, `${name}.sock`);
  const stateFile = join(dir, `${name}.state`);
  const child = spawn(agentBinary(), [socket, stateFile, String(value), String(count)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`seccomp-agent exited (${code}) before listening`)));
  });
  const lines = () => (existsSync(stateFile) ? readFileSync(stateFile, 'utf8').trim().split('\n') : []);
  return {
    socket,
    process: child,
    state: (n = 0) => (lines()[2 * n] ? (JSON.parse(lines()[2 * n]) as Record<string, unknown>) : undefined),
    listenerReceived: (n = 0) => lines()[2 * n + 1] === '{"listenerReceived":true}',
    stop: () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
