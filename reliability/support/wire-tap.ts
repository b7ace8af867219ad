import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { decodeLogsRequest } from '@threadline/testing';

/** One request that passed through the tap. */
export interface TappedRequest {
  path: string;
  /** `Date.now()` when the request arrived. */
  arrivedAt: number;
  /** Sequence numbers of the log records in the body (logs requests only). */
  seqs: number[];
  /** `seqs[0]`: the batch a (re)try belongs to, since a retry resends the same body. */
  batch: number | undefined;
  /** The upstream answer; 0 while none came. */
  status: number;
  /** `Date.now()` when the client closed the request before it was answered. */
  abandonedAt: number | undefined;
}

export interface WireTap {
  readonly url: string;
  requests(): TappedRequest[];
  close(): Promise<void>;
}

/**
 * A pass-through HTTP proxy in front of the test receiver that remembers which log records
 * each request carried. The receiver does not keep the bodies of requests it fails on
 * purpose, but the retry checks need to know which attempts belong to the same batch.
 */
export async function startWireTap(upstream: string): Promise<WireTap> {
  const target = new URL(upstream);
  const agent = new http.Agent({ keepAlive: true });
  const tapped: TappedRequest[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((request, response) => {
    const entry: TappedRequest = {
      path: request.url ?? '/',
      arrivedAt: Date.now(),
      seqs: [],
      batch: undefined,
      status: 0,
      abandonedAt: undefined,
    };
    tapped.push(entry);
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      if (entry.path.endsWith('/v1/logs')) {
        const json = (request.headers['content-type'] ?? '').includes('json');
        try {
          for (const record of decodeLogsRequest(body, json ? 'json' : 'protobuf')) {
            if (typeof record.attributes.seq === 'number') entry.seqs.push(record.attributes.seq);
          }
        } catch {
          // The receiver will say what is wrong with it.
        }
        entry.batch = entry.seqs[0];
      }
      const forward = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: request.method,
          path: request.url,
          headers: request.headers,
          agent,
        },
        (answer) => {
          entry.status = answer.statusCode ?? 0;
          response.writeHead(entry.status, answer.headers);
          answer.pipe(response);
        },
      );
      forward.on('error', () => response.destroy());
      // A client that gives up (its export timeout) must not leave the upstream call hanging.
      response.on('close', () => {
        if (!response.writableFinished) {
          entry.abandonedAt ??= Date.now();
          forward.destroy();
        }
      });
      forward.end(body);
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => tapped.map((entry) => ({ ...entry })),
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await closed;
    },
  };
}
