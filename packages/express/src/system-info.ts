import { statfs } from 'node:fs/promises';
import { availableParallelism, freemem, loadavg, totalmem } from 'node:os';
import { diag } from '@opentelemetry/api';
import type { SystemInfo } from './types.ts';

/** CPU load, memory and free disk space of this process and host. */
export async function readSystemInfo(diskPath: string): Promise<SystemInfo> {
  const [one, five, fifteen] = loadavg();
  const memory = process.memoryUsage();
  const info: SystemInfo = {
    uptimeSeconds: Math.round(process.uptime()),
    cpu: { cores: availableParallelism(), loadAverage: [round(one), round(five), round(fifteen)] },
    memory: {
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      heapTotalBytes: memory.heapTotal,
      systemFreeBytes: freemem(),
      systemTotalBytes: totalmem(),
    },
  };
  try {
    const stats = await statfs(diskPath);
    // `bavail`, not `bfree`: the blocks an unprivileged process may still write to.
    info.disk = {
      path: diskPath,
      freeBytes: stats.bavail * stats.bsize,
      totalBytes: stats.blocks * stats.bsize,
    };
  } catch (err) {
    diag.debug(`@threadline/express: could not read free space of ${diskPath}`, err);
  }
  return info;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
