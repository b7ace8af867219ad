import { gzipSync } from 'node:zlib';

export interface PostOptions {
  /** @default 'application/x-protobuf' */
  contentType?: string;
  /** Compress the body and send `Content-Encoding: gzip`. */
  gzip?: boolean;
  method?: string;
  headers?: Record<string, string>;
}

export interface PostResult {
  status: number;
  headers: Headers;
  body: Uint8Array;
}

/** Sends one raw request, the way an OTLP/HTTP exporter would. */
export async function post(
  url: string,
  body: Uint8Array | string | undefined,
  options: PostOptions = {},
): Promise<PostResult> {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  const headers: Record<string, string> = { ...options.headers };
  if (options.contentType !== '')
    headers['content-type'] = options.contentType ?? 'application/x-protobuf';
  let payload = bytes;
  if (options.gzip === true && bytes !== undefined) {
    payload = new Uint8Array(gzipSync(bytes));
    headers['content-encoding'] = 'gzip';
  }
  const response = await fetch(url, { method: options.method ?? 'POST', headers, body: payload });
  return {
    status: response.status,
    headers: response.headers,
    body: new Uint8Array(await response.arrayBuffer()),
  };
}

export function jsonBody(result: PostResult): unknown {
  return JSON.parse(new TextDecoder().decode(result.body));
}
