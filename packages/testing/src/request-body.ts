import type { IncomingMessage } from 'node:http';
import { gunzip } from 'node:zlib';

/** What became of reading a request body. */
export type BodyReadResult =
  | { readonly kind: 'ok'; readonly body: Buffer; readonly wireBytes: number }
  | { readonly kind: 'tooLarge'; readonly wireBytes: number }
  | { readonly kind: 'aborted'; readonly wireBytes: number };

/**
 * Reads a request body, keeping at most `limit` bytes. Past the limit the rest is read and
 * discarded rather than left unread, so that the client, still sending, gets to see the
 * 413 instead of a reset connection.
 */
export function readRequestBody(request: IncomingMessage, limit: number): Promise<BodyReadResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let wireBytes = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      wireBytes += chunk.length;
      if (tooLarge) return;
      if (wireBytes > limit) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      resolve(
        tooLarge
          ? { kind: 'tooLarge', wireBytes }
          : { kind: 'ok', body: Buffer.concat(chunks), wireBytes },
      );
    });
    // 'close' without 'end' means the client went away mid-body; a resolved promise ignores the late call.
    request.on('close', () => resolve({ kind: 'aborted', wireBytes }));
    request.on('error', () => resolve({ kind: 'aborted', wireBytes }));
  });
}

/** What became of decompressing a body. */
export type InflateResult =
  | { readonly kind: 'ok'; readonly body: Buffer }
  | { readonly kind: 'tooLarge' }
  | { readonly kind: 'invalid'; readonly message: string };

/**
 * Gunzips with an output cap: zlib stops inflating as soon as the output passes `limit`,
 * so a small decompression bomb cannot allocate its full expansion.
 */
export function gunzipWithLimit(body: Buffer, limit: number): Promise<InflateResult> {
  return new Promise((resolve) => {
    gunzip(body, { maxOutputLength: limit }, (error, result) => {
      if (error === null) resolve({ kind: 'ok', body: result });
      else if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
        resolve({ kind: 'tooLarge' });
      else resolve({ kind: 'invalid', message: `invalid gzip body: ${error.message}` });
    });
  });
}
