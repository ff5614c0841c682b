// linux.netDevices in the runtime: every device is checked first (it exists on the host, its name
// is free in the container), then each is moved with its permanent global addresses and set up
// (native moveNetdev, rtnetlink). On delete nothing is moved back: the spec forbids it; when the
// namespace goes, the kernel returns physical devices to the initial namespace and destroys
// virtual ones (network_namespaces(7)).
import { moveNetdev } from '../native/index.js';
import type { NetDeviceMove } from '../plan/netdevices.js';

export function moveNetDevices(moves: NetDeviceMove[], pid: number): void {
  const netns = `/proc/${pid}/ns/net`;
  for (const m of moves) moveNetdev(m.host, netns, m.name, true);
  for (const m of moves) moveNetdev(m.host, netns, m.name);
}
