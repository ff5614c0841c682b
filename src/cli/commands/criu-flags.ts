// The flags runc's checkpoint and restore share (runc 1.1.5 checkpoint.go / restore.go).
import type { Argv } from 'yargs';
import type { CriuCommonOptions } from '../../runtime/criu/options.js';

export function criuFlags<T>(y: Argv<T>) {
  return y
    .option('image-path', { type: 'string', describe: 'path to criu image files' })
    .option('work-path', { type: 'string', describe: 'path for saving work files and logs' })
    .option('tcp-established', { type: 'boolean', default: false, describe: 'allow open tcp connections' })
    .option('ext-unix-sk', { type: 'boolean', default: false, describe: 'allow external unix sockets' })
    .option('shell-job', { type: 'boolean', default: false, describe: 'allow shell jobs' })
    .option('file-locks', { type: 'boolean', default: false, describe: 'handle file locks, for safety' })
    .option('manage-cgroups-mode', { type: 'string', describe: "cgroups mode: 'soft' (default), 'full' and 'strict'" })
    .option('empty-ns', { type: 'string', array: true, describe: "create a namespace, but don't restore its properties" })
    .option('auto-dedup', { type: 'boolean', default: false, describe: 'enable auto deduplication of memory images' })
    .option('lazy-pages', { type: 'boolean', default: false, describe: 'use userfaultfd to lazily restore memory pages (not supported)' });
}

type CriuArgs = { criu?: string } & { [K in 'image-path' | 'work-path' | 'manage-cgroups-mode']?: string } & { [K in 'tcp-established' | 'ext-unix-sk' | 'shell-job' | 'file-locks' | 'auto-dedup' | 'lazy-pages']: boolean } & { 'empty-ns'?: string[] };

export function criuOptions(a: CriuArgs): CriuCommonOptions {
  return {
    criu: a.criu,
    imagePath: a['image-path'],
    workPath: a['work-path'],
    tcpEstablished: a['tcp-established'],
    extUnixSk: a['ext-unix-sk'],
    shellJob: a['shell-job'],
    fileLocks: a['file-locks'],
    manageCgroupsMode: a['manage-cgroups-mode'],
    emptyNs: a['empty-ns'],
    autoDedup: a['auto-dedup'],
    lazyPages: a['lazy-pages'],
  };
}
