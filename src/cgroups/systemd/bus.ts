// The systemd manager over D-Bus, through busctl(1) (systemd ships it; no D-Bus client in the
// bundle, nothing loaded or spawned unless --systemd-cgroup is used). The system bus as root,
// the user's own manager (user@<uid>.service, $XDG_RUNTIME_DIR/bus) when rootless.
// org.freedesktop.systemd1(5): StartTransientUnit, SetUnitProperties, StopUnit, jobs.
import { spawnSync } from '../../process/child-process.js';
import { RuntimeError } from '../../errors.js';
import { sleepSync } from '../../sleep.js';
import { propertyArgs, type UnitProperty } from './properties.js';

const DEST = 'org.freedesktop.systemd1';
const ROOT = '/org/freedesktop/systemd1';
const MANAGER = 'org.freedesktop.systemd1.Manager';
const JOB_TIMEOUT_MS = 30_000;

export class SystemdBusError extends RuntimeError {
  constructor(readonly method: string, readonly detail: string) {
    super(`systemd ${method}: ${detail}`);
  }
}

/** sd_bus_path_encode: every byte but [A-Za-z0-9] as _xx (org.freedesktop.systemd1(5) "unit object paths"). */
export function unitObjectPath(unit: string): string {
  let label = '';
  for (const byte of Buffer.from(unit)) {
    const c = String.fromCharCode(byte);
    label += /[A-Za-z0-9]/.test(c) ? c : `_${byte.toString(16).padStart(2, '0')}`;
  }
  return `${ROOT}/unit/${label}`;
}

export class SystemdBus {
  constructor(readonly user: boolean) {}

  private busctl(method: string, args: string[]): string {
    const env = { ...process.env };
    if (this.user && !env.DBUS_SESSION_BUS_ADDRESS && !env.XDG_RUNTIME_DIR) env.XDG_RUNTIME_DIR = `/run/user/${process.geteuid?.()}`;
    const r = spawnSync('busctl', [this.user ? '--user' : '--system', ...args], { encoding: 'utf8', env, timeout: JOB_TIMEOUT_MS });
    if (r.error) throw new SystemdBusError(method, `cannot run busctl: ${r.error.message}`);
    if (r.status !== 0) throw new SystemdBusError(method, (r.stderr || `busctl exited ${r.status}`).trim());
    return r.stdout.trim();
  }

  private call(method: string, sig: string, args: string[]): string {
    return this.busctl(method, ['call', DEST, ROOT, MANAGER, method, sig, ...args]);
  }

  /** A property of the manager or of an object, as busctl prints it (`s "/x"` → `/x`). */
  getProperty(path: string, iface: string, name: string): string {
    const out = this.busctl(`${name} of ${path}`, ['get-property', DEST, path, iface, name]);
    const m = /^[a-z]+ "?(.*?)"?$/.exec(out);
    return m ? m[1] : out;
  }

  /** The cgroup of this manager (the user's is under user@<uid>.service). */
  controlGroup(): string {
    return this.getProperty(ROOT, MANAGER, 'ControlGroup');
  }

  startTransientUnit(unit: string, props: UnitProperty[]): void {
    this.waitJob('StartTransientUnit', this.call('StartTransientUnit', 'ssa(sv)a(sa(sv))', [unit, 'replace', ...propertyArgs(props), '0']));
    const state = this.getProperty(unitObjectPath(unit), 'org.freedesktop.systemd1.Unit', 'ActiveState');
    if (state !== 'active') {
      // Ours but failed: a failed unit stays loaded, and nothing of a failed create may remain.
      this.stopUnit(unit);
      throw new SystemdBusError('StartTransientUnit', `${unit} is ${state}, not active, after its start job`);
    }
  }

  setUnitProperties(unit: string, props: UnitProperty[]): void {
    if (props.length > 0) this.call('SetUnitProperties', 'sba(sv)', [unit, 'true', ...propertyArgs(props)]);
  }

  /** Stop the unit and wait for the job; no error when it is already gone. */
  stopUnit(unit: string): void {
    let job: string;
    try {
      job = this.call('StopUnit', 'ss', [unit, 'replace']);
    } catch (e) {
      if (e instanceof SystemdBusError && /not loaded|NoSuchUnit/i.test(e.detail)) return;
      throw e;
    }
    this.waitJob('StopUnit', job);
    // A failed unit stays loaded until it is reset (systemctl reset-failed).
    try {
      this.call('ResetFailedUnit', 's', [unit]);
    } catch {
      /* not failed, or already collected */
    }
  }

  /** `o "/org/freedesktop/systemd1/job/N"`: poll until the job object is gone (the job finished). */
  private waitJob(method: string, reply: string): void {
    const job = /"([^"]+)"/.exec(reply)?.[1];
    if (!job) throw new SystemdBusError(method, `unexpected reply ${JSON.stringify(reply)}`);
    const deadline = Date.now() + JOB_TIMEOUT_MS;
    for (;;) {
      try {
        this.getProperty(job, 'org.freedesktop.systemd1.Job', 'State');
      } catch {
        return;
      }
      if (Date.now() > deadline) throw new SystemdBusError(method, `job ${job} did not finish in ${JOB_TIMEOUT_MS} ms`);
      sleepSync(10);
    }
  }
}
