import { spawnSync } from 'node:child_process';

/**
 * Sends request bodies synchronously, for the one moment nothing asynchronous can run any
 * more: Node's `exit` event (`process.exit()`, or the end of the event loop). A short-lived
 * child Node process does the HTTP requests while this one blocks in `spawnSync`; the bodies
 * go through its stdin, each prefixed with its length. Returns, per body, whether the
 * receiver answered 2xx (false for everything when the child could not run or timed out).
 */
export function sendSync(
  url: URL,
  headers: Readonly<Record<string, string>>,
  bodies: readonly Buffer[],
  timeoutMillis: number,
): boolean[] {
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
  const answers = String(result.stdout ?? '').trim();
  return bodies.map((_, i) => answers[i] === '1');
}

// Runs in the child: POST every frame concurrently, then print one 1/0 per frame, in order.
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
    res.resume();
    res.on('end', () => resolve(res.statusCode >= 200 && res.statusCode < 300 ? '1' : '0'));
    res.on('error', () => resolve('0'));
  });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', () => resolve('0'));
  req.end(body);
})));
process.stdout.write(results.join(''));
`;
