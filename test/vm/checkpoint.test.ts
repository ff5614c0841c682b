// checkpoint/restore through criu (issue 15), in the guest: Debian's criu 3.17 cannot run on the
// host's 6.18 kernel (vdso), it can on the guest's 6.1. Each case runs with tsrun and with runc.
// A shell counts into a bind-mounted file; the container's stdio are pipes (criu cannot dump an fd
// on a regular file of the host's mounts: "Can't lookup mount", runc 1.1.5 alike), fd 0 /dev/null.
// Root only: criu needs CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN of the initial user namespace.
import { expect, it } from 'vitest';
import { baseMounts, type DeepPartial, type Spec } from '../helpers/config.js';
import { cli, describeVm, guest, keyValues, RUNTIMES, vmBundle, type Runtime } from './guest.js';

const COUNTER = 'i=0; while true; do i=$((i+1)); echo $i >> /tmp/log; sleep 0.2; done';

/** Shell functions for a case of `rt` in work directory W: count, grow, consecutive, status, start, restore. */
function prelude(rt: Runtime, w: string, extra: DeepPartial<Spec> = {}): { script: string } {
  const bundle = vmBundle('root', {
    process: { args: ['sh', '-c', COUNTER] },
    mounts: [...baseMounts('root'), { destination: '/tmp', type: 'bind', source: `${w}/data`, options: ['rbind', 'rw'] }],
    ...extra,
  });
  const R = cli(rt);
  const script = `W=${w}; R() { ${R} "$@"; }; rm -rf $W; mkdir -p $W/data
count() { wc -l < $W/data/log 2>/dev/null || echo 0; }
# waits until the log has more than $1 lines (30 s at most)
grow() { for _ in $(seq 150); do [ "$(count)" -gt "$1" ] && return 0; sleep 0.2; done; return 1; }
# the log is 1..N with nothing missing or repeated
consecutive() { awk 'NR != $1 { bad = 1 } END { print (bad || NR == 0) ? "no" : "yes" }' $W/data/log; }
status() { R state c1 2>/dev/null | sed -n 's/.*"status": *"\\([a-z]*\\)".*/\\1/p'; }
# runs the counter detached, stdio on pipes, until it has counted
start() { R run -d --bundle ${bundle} c1 </dev/null 2>&1 | cat > $W/out & grow 5 || echo "never counted: $(cat $W/out)"; }
# restores from image folder $1 and prints whether it counts on, from where it was
restore() {
  n=$(count); R restore -d --image-path $1 --bundle ${bundle} c1 </dev/null 2>&1 | cat > $W/out2 &
  grow $((n + 5)); echo "grew=$?"; echo "restored=$(status)"; echo "consecutive=$(consecutive)"
}
`;
  return { script };
}

/** What the prelude's restore printed: the restored container runs and counts on, 1..N unbroken. */
/** A hook that appends `<kind> <the state's pid> <its cwd>` to $W/hooks.log (it runs on the guest's side). */
const markerHook = (w: string, kind: string) => [{ path: '/bin/sh', args: ['sh', '-c', `echo "${kind} $(sed -n 's/.*"pid": *\\([0-9]*\\).*/\\1/p') $(pwd)" >> ${w}/hooks.log`] }];

function expectCountsOn(kv: Record<string, string>, stdout: string): void {
  expect(kv.grew, stdout).toBe('0');
  expect(kv.restored).toBe('running');
  expect(kv.consecutive, stdout).toBe('yes');
}

describeVm('checkpoint/restore with criu, as root (not rootless: criu needs CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN of the initial user namespace; runc 1.1 calls rootless checkpoint untested)', () => {
  it.each(RUNTIMES)('%s: a counting container is checkpointed (and gone), restored, and counts on from where it was', async (rt) => {
    const w = `/tmp/ck-${rt}-restore`;
    const { script } = prelude(rt, w);
    const r = await guest(`${script}
start
mkdir -p $W/img; R checkpoint --image-path $W/img c1 > $W/ck.out 2>&1; echo "checkpoint=$?"
echo "after=$(status)"
sleep 1; last=$(count); echo "last=$last"
sleep 1; echo "still=$(count)"
restore $W/img
R delete -f c1; echo "errors=$(grep -h Error $W/img/*.log 2>/dev/null | head -3 | tr '\\n' ' ') $(cat $W/ck.out $W/out2 | tr '\\n' ' ')"
`, 280_000);
    const kv = keyValues(r.stdout);
    expect(kv.checkpoint, `${r.stdout}${r.stderr}`).toBe('0');
    // The checkpointed container is gone (runc's default without --leave-running) and counts no more.
    expect(kv.after).toBe('');
    expect(kv.still).toBe(kv.last);
    expectCountsOn(kv, r.stdout);
  });

  it.each(RUNTIMES)('%s: checkpoint --leave-running keeps it running and counting', async (rt) => {
    const w = `/tmp/ck-${rt}-leave`;
    const { script } = prelude(rt, w);
    const r = await guest(`${script}
start
mkdir -p $W/img; R checkpoint --leave-running --image-path $W/img c1 > $W/ck.out 2>&1; echo "checkpoint=$?"
echo "after=$(status)"; n=$(count); grow $((n + 5)); echo "grew=$?"
echo "image=$(test -s $W/img/inventory.img && echo yes || echo no)"
R delete -f c1; echo "errors=$(cat $W/ck.out | tr '\\n' ' ')"
`, 280_000);
    const kv = keyValues(r.stdout);
    expect(kv.checkpoint, `${r.stdout}${r.stderr}`).toBe('0');
    expect(kv.after).toBe('running');
    expect(kv.grew).toBe('0');
    expect(kv.image).toBe('yes');
  });

  it.each(RUNTIMES)('%s: --pre-dump, then a dump with --parent-path, then restore: it counts on', async (rt) => {
    const w = `/tmp/ck-${rt}-pre`;
    const { script } = prelude(rt, w);
    const r = await guest(`${script}
start
mkdir -p $W/pre $W/img
R checkpoint --pre-dump --image-path $W/pre c1 > $W/pre.out 2>&1; echo "predump=$?"
echo "afterpre=$(status)"
R checkpoint --parent-path ../pre --image-path $W/img c1 > $W/ck.out 2>&1; echo "checkpoint=$?"
echo "parent=$(test -L $W/img/parent && echo yes || echo no)"
echo "after=$(status)"
restore $W/img
R delete -f c1; echo "errors=$(cat $W/pre.out $W/ck.out $W/out2 | tr '\\n' ' ')"
`, 280_000);
    const kv = keyValues(r.stdout);
    expect(kv.predump, `${r.stdout}${r.stderr}`).toBe('0');
    expect(kv.afterpre).toBe('running');
    expect(kv.checkpoint, `${r.stdout}`).toBe('0');
    expect(kv.parent).toBe('yes');
    expect(kv.after).toBe('');
    expectCountsOn(kv, r.stdout);
  });

  it.each(RUNTIMES)("%s: restore runs the prestart and createRuntime hooks (criu's setup-namespaces, with the restored init's pid, in the bundle), not poststart; checkpoint runs poststop (the container goes)", async (rt) => {
    const w = `/tmp/ck-${rt}-hooks`;
    const kinds = ['prestart', 'createRuntime', 'poststart', 'poststop'] as const;
    const { script } = prelude(rt, w, { hooks: Object.fromEntries(kinds.map((k) => [k, markerHook(w, k)])) });
    const r = await guest(`${script}
hooks() { cut -d' ' -f1 $W/hooks.log 2>/dev/null | tr '\\n' ' ' | sed 's/ $//'; : > $W/hooks.log; }
start
echo "hooks.run=$(hooks)"
mkdir -p $W/img; R checkpoint --image-path $W/img c1 > $W/ck.out 2>&1; echo "checkpoint=$?"
echo "hooks.checkpoint=$(hooks)"
restore $W/img
echo "pids=$(cut -d' ' -f2 $W/hooks.log | sort -u | tr '\\n' ' ' | sed 's/ $//')"; echo "cwd=$(cut -d' ' -f3 $W/hooks.log | sort -u)"
echo "hooks.restore=$(hooks)"
echo "pid=$(R state c1 | sed -n 's/.*"pid": *\\([0-9]*\\).*/\\1/p')"
R delete -f c1; echo "hooks.delete=$(hooks)"; echo "errors=$(cat $W/ck.out $W/out2 | tr '\\n' ' ')"
`, 280_000);
    const kv = keyValues(r.stdout);
    expect(kv['hooks.run'], `${r.stdout}${r.stderr}`).toBe('prestart createRuntime poststart');
    expect(kv.checkpoint, r.stdout).toBe('0');
    expect(kv['hooks.checkpoint']).toBe('poststop');
    expectCountsOn(kv, r.stdout);
    expect(kv['hooks.restore']).toBe('prestart createRuntime');
    expect(kv.pids).toBe(kv.pid);
    expect(kv.cwd).toMatch(/\/bundle-[0-9]+-[0-9]+$/);
    expect(kv['hooks.delete']).toBe('poststop');
  });
});
