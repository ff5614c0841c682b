// vitest globalSetup of the vm project: boot the guest once (tens of seconds under TCG), hand its
// job folder to the test files (inject('vm')), print how long the tier took. When the guest cannot
// run, the reason goes to every test file, whose describe titles say SKIPPED and why.
import type { TestProject } from 'vitest/node';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootGuest, stopGuest, TIMING_FILE, vmPrerequisite, type Guest } from './vm.js';

interface Span {
  file: string;
  title: string;
  start: number;
  end: number;
}

/** What each describeVm block wrote to the job folder (guest.ts). */
function timings(jobs: string): Span[] {
  try {
    return readFileSync(join(jobs, TIMING_FILE), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Span);
  } catch {
    return [];
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    vm: { jobs?: string; unavailable?: string };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const t0 = Date.now();
  let guest: Guest | undefined;
  let unavailable = vmPrerequisite();
  if (!unavailable) {
    try {
      guest = await bootGuest();
      console.log(`VM tier: guest booted in ${(guest.bootMs / 1000).toFixed(1)} s (job folder ${guest.jobs})`);
    } catch (e) {
      unavailable = `the guest did not boot: ${(e as Error).message.split('\n')[0]}`;
      console.warn(`VM tier: ${(e as Error).message}`);
    }
  }
  if (unavailable) console.warn(`\n${'='.repeat(100)}\nVM tier SKIPPED: ${unavailable}\n${'='.repeat(100)}\n`);
  project.provide('vm', { jobs: guest?.jobs, unavailable });
  return async () => {
    const spans = guest ? timings(guest.jobs) : [];
    if (guest) await stopGuest(guest);
    const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
    for (const b of spans) console.log(`VM tier: ${s(b.end - b.start).padStart(7)}  ${b.file}: ${b.title.replace(/^vm tier: /, '').slice(0, 70)}`);
    if (guest && spans.length > 0) {
      const first = Math.min(...spans.map((b) => b.start));
      const last = Math.max(...spans.map((b) => b.end));
      console.log(`VM tier: ${s(guest.bootMs + last - first)} (boot ${s(guest.bootMs)}, ${spans.length} blocks ${s(last - first)} from the first start to the last end)`);
    } else console.log(`VM tier: no test block ran (${s(Date.now() - t0)} since setup)`);
  };
}
