// A small CRI client (the Kubernetes runtime.v1 RuntimeService, as the kubelet calls it) over
// containerd's unix socket: @grpc/grpc-js with the hand-written subset of the API in
// cri/runtime-v1-subset.proto. critest (cri-tools) is a Go module and cannot be built here.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const PROTO = join(fileURLToPath(new URL('.', import.meta.url)), 'cri', 'runtime-v1-subset.proto');

export type CriMessage = Record<string, unknown>;
type Call = (req: CriMessage, meta: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: CriMessage) => void) => void;

export interface CriClient {
  /** One unary call by method name; rejects with the gRPC status (code, details) on error. */
  call<T = CriMessage>(method: string, req: CriMessage, timeoutMs?: number): Promise<T>;
  close(): void;
}

export function criClient(socket: string): CriClient {
  const def = protoLoader.loadSync(PROTO, { keepCase: true, longs: Number, enums: String, defaults: true });
  const pkg = grpc.loadPackageDefinition(def) as unknown as { runtime: { v1: { RuntimeService: grpc.ServiceClientConstructor } } };
  const client = new pkg.runtime.v1.RuntimeService(`unix://${socket}`, grpc.credentials.createInsecure());
  return {
    call<T>(method: string, req: CriMessage, timeoutMs = 60_000) {
      const fn = (client as unknown as Record<string, Call>)[method];
      if (!fn) throw new Error(`no CRI method ${method} in ${PROTO}`);
      return new Promise<T>((resolve, reject) => {
        fn.call(client, req, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (err, res) => (err ? reject(err) : resolve(res as T)));
      });
    },
    close: () => client.close(),
  };
}
