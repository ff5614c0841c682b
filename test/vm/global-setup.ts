// vitest globalSetup of the vm project: boot the guest once (tens of seconds under TCG), hand its
// job folder to the test files (inject('vm')), print how long the tier took. When the guest cannot
// run, the reason goes to every test file, whose describe titles say SKIPPED and why.
import type { TestProject } from 'vitest/node';
import { bootGuest, stopGuest, vmPrerequisite, type Guest } from './vm.js';

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
    if (guest) await stopGuest(guest);
    console.log(`VM tier: ${((Date.now() - t0) / 1000).toFixed(1)} s in all`);
  };
}
