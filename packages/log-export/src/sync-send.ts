import { spawnSync } from 'node:child_process';
import { MAX_RESPONSE_BYTES } from './http-transport.ts';

/** The receiver's answer to one body: as the asynchronous transport reports it. */
export interface SyncAnswer {
  readonly status: number;
  /** At most `MAX_RESPONSE_BYTES`: the first bytes of the response body. */
  readonly body: Buffer;
  /** False when the body went on past the cap and was not read further. */
  readonly complete: boolean;
  readonly json: boolean;
}

/**
 * Sends request bodies synchronously, for the one moment nothing asynchronous can run any
 * more: Node's `exit` event (`process.exit()`, or the end of the event loop). A short-lived
 * child Node process does the HTTP requests while this one blocks in `spawnSync`; the bodies
 * go through its stdin, each prefixed with its length. Returns, per body, the receiver's
 * answer (status and the first bytes of the body, for its partial success), or undefined when
 * there was none (for everything when the child could not run or timed out).
 */
export function sendSync(
  url: URL,
  headers: Readonly<Record<string, string>>,
  bodies: readonly Buffer[],
  timeoutMillis: number,
): Array<SyncAnswer | undefined> {
  if (bodies.length === 0) return [];
  const frames: Buffer[] = [];
  for (const body of bodies) {
    const length = Buffer.allocUnsafe(4);
    length.writeUInt32BE(body.length, 0);
    frames.push(length, body);
  }
  const env: NodeJS.ProcessEnv = { ...process.env, OTEL_SDK_DISABLED: 'true' };
  // The child must not load the application's preloads (@threadline/node/register above all).
  delete env.NODE_OPTIONS;
  const result = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', SENDER, url.href, JSON.stringify(headers), String(timeoutMillis)],
    {
      input: Buffer.concat(frames),
      env,
      timeout: timeoutMillis + 1_000,
      stdio: ['pipe', 'pipe', 'ignore'],
      windowsHide: true,
    },
  );
  let answers: unknown;
  try {
    answers = JSON.parse(String(result.stdout ?? ''));
  } catch {
    return bodies.map(() => undefined);
  }
  return bodies.map((_, i) => toAnswer(Array.isArray(answers) ? answers[i] : undefined));
}

function toAnswer(raw: unknown): SyncAnswer | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const { s, b, c, j } = raw as Record<string, unknown>;
  if (typeof s !== 'number' || typeof b !== 'string') return undefined;
  return { status: s, body: Buffer.from(b, 'base64'), complete: c === true, json: j === true };
}

// Runs in the child: POST every frame concurrently, then print a JSON array with, per frame
// in order, null (no answer) or { s: status, b: body as base64, c: complete, j: json }. Bodies
// are read up to the same cap as the asynchronous transport, and no further.
const SENDER = `
import http from 'node:http';
import https from 'node:https';
const [url, headersJson, timeoutText] = process.argv.slice(1);
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = Buffer.concat(chunks);
const bodies = [];
for (let at = 0; at + 4 <= input.length; ) {
  const length = input.readUInt32BE(at);
  bodies.push(input.subarray(at + 4, at + 4 + length));
  at += 4 + length;
}
const target = new URL(url);
const request = target.protocol === 'https:' ? https.request : http.request;
const headers = JSON.parse(headersJson);
const results = await Promise.all(bodies.map((body) => new Promise((resolve) => {
  const req = request(target, { method: 'POST', headers: { ...headers, 'content-length': body.length }, timeout: Number(timeoutText) }, (res) => {
    const chunks = [];
    let size = 0;
    const answer = (complete) => resolve({
      s: res.statusCode,
      b: Buffer.concat(chunks).toString('base64'),
      c: complete,
      j: String(res.headers['content-type'] ?? '').includes('json'),
    });
    res.on('data', (chunk) => {
      const room = ${MAX_RESPONSE_BYTES} - size;
      if (chunk.length < room) {
        size += chunk.length;
        chunks.push(chunk);
        return;
      }
      chunks.push(chunk.subarray(0, room));
      answer(false);
      res.destroy();
    });
    res.on('end', () => answer(true));
    res.on('error', () => resolve(null));
  });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', () => resolve(null));
  req.end(body);
})));
process.stdout.write(JSON.stringify(results));
`;
