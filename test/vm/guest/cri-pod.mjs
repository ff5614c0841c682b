// Run IN the guest by test/vm/containerd-cri.test.ts (the host cannot reach the guest's unix
// sockets; node and the checkout are the host's, shared): one pod's life through containerd's
// CRI plugin as the kubelet with the systemd cgroup driver lives it, with each RuntimeClass
// handler in turn, in one node process (a node start costs 1-2 s in the guest). Prints one JSON
// object, per handler what the host test compares.
// Usage: node cri-pod.mjs SOCKET HANDLER[,HANDLER...] IMAGE LOGDIR MEMORY_BYTES
// Plain JS (test/helpers/cri.ts is TypeScript, which node 20 does not run): the same client,
// @grpc/grpc-js with the hand-written proto subset test/helpers/cri/runtime-v1-subset.proto.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const [socket, handlers, image, logs, memory] = process.argv.slice(2);
const PROTO = fileURLToPath(new URL('../../helpers/cri/runtime-v1-subset.proto', import.meta.url));
const def = protoLoader.loadSync(PROTO, { keepCase: true, longs: Number, enums: String, defaults: true });
const client = new (grpc.loadPackageDefinition(def).runtime.v1.RuntimeService)(`unix://${socket}`, grpc.credentials.createInsecure());
const call = (method, req, timeoutMs = 90_000) =>
  new Promise((resolve, reject) => client[method](req, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (err, res) => (err ? reject(new Error(`${method}: ${err.details ?? err.message}`)) : resolve(res))));
const show = (unit) => Object.fromEntries(execFileSync('systemctl', ['show', unit, '-p', 'LoadState,ActiveState,Slice,ControlGroup,MemoryMax,Delegate'], { encoding: 'utf8' }).trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));

// The kubelet's systemd driver: the pod's cgroup parent is a slice named from its QoS class and
// uid (dashes in the uid become underscores); containerd (pkg/cri getCgroupsPath) then gives each
// task "<parent slice>:cri-containerd:<id>", i.e. cri-containerd-<id>.scope in that slice.
async function podLife(handler) {
  const uid = `vm${handler}${process.pid}`;
  const parent = `kubepods-besteffort-pod${uid}.slice`;
  const name = `pod-${handler}`;
  mkdirSync(join(logs, name), { recursive: true });
  const config = {
    metadata: { name, uid, namespace: 'tsrun-vmtest', attempt: 0 },
    log_directory: join(logs, name),
    linux: { cgroup_parent: parent, security_context: { namespace_options: { network: 'NODE', pid: 'POD', ipc: 'POD' } } },
  };
  const out = { parent };
  const { pod_sandbox_id: pod } = await call('RunPodSandbox', { config, runtime_handler: handler });
  try {
    out.sandbox = show(`cri-containerd-${pod}.scope`);
    const { container_id: c } = await call('CreateContainer', {
      pod_sandbox_id: pod,
      sandbox_config: config,
      config: { metadata: { name: 'main', attempt: 0 }, image: { image }, command: ['sleep', '1000'], log_path: 'main.log', linux: { resources: { memory_limit_in_bytes: Number(memory) } } },
    });
    await call('StartContainer', { container_id: c });
    out.state = (await call('ContainerStatus', { container_id: c })).status.state;
    out.container = show(`cri-containerd-${c}.scope`);
    out.memoryMax = readFileSync(`/sys/fs/cgroup${out.container.ControlGroup}/memory.max`, 'utf8').trim();
    const e = await call('ExecSync', { container_id: c, cmd: ['cat', '/proc/self/cgroup'], timeout: 30 });
    out.exec = { code: e.exit_code, stdout: e.stdout.toString().trim() };
    await call('StopContainer', { container_id: c, timeout: 10 });
    await call('RemoveContainer', { container_id: c });
    await call('StopPodSandbox', { pod_sandbox_id: pod });
    await call('RemovePodSandbox', { pod_sandbox_id: pod });
    out.after = { container: show(`cri-containerd-${c}.scope`).LoadState, sandbox: show(`cri-containerd-${pod}.scope`).LoadState };
  } finally {
    // After a failure too: nothing of the pod is left for the next handler (errors ignored).
    await call('StopPodSandbox', { pod_sandbox_id: pod }, 20_000).catch(() => undefined);
    await call('RemovePodSandbox', { pod_sandbox_id: pod }, 20_000).catch(() => undefined);
  }
  return out;
}

const result = {};
for (const handler of handlers.split(',')) result[handler] = await podLife(handler);
client.close();
console.log(JSON.stringify(result));
