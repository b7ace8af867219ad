// Issue 17 item 1: the packages as a user gets them from the registry. Every other test runs
// the TypeScript sources through the `@threadline/source` condition, so a broken `dist/`, a
// wrong `exports` map, a dependency missing from a package.json or a declaration that does
// not resolve would ship unnoticed; here the packed tarballs are installed into an app under
// the OS temp directory and run with plain Node 22.15 and 24, no condition, no workspace.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ATTR_HTTP_ROUTE,
  ATTR_SERVICE_NAME,
  METRIC_HTTP_SERVER_REQUEST_DURATION,
} from '@opentelemetry/semantic-conventions';
import { startOtlpReceiver } from '@threadline/testing';
import type { OtlpReceiver } from '@threadline/testing';
import {
  createConsumerApp,
  CURRENT_NODE,
  nodeBinary,
  plainEnv,
  REPO_ROOT,
} from './consumer-app.ts';
import type { ConsumerApp } from './consumer-app.ts';

const FIXTURES = fileURLToPath(new URL('./app/', import.meta.url));
const SERVER = 2;
// The oldest Node the packages support (engines) and the one the repository runs on.
const OLDEST_NODE = '22.15.0';
// Below the packages' engines range, yet what a user may still run (the last Node 20): the app
// must run on, and the doctor must say that the Node is not supported.
const UNSUPPORTED_NODE = '20.20.2';
const THIRD_PARTY = ['@opentelemetry/api', 'express', 'winston', '@types/node', '@types/express'];
// Packing, one registry install (npm's cache makes repeats quick) and a Node download on the
// first run: generous, so a slow registry does not fail the suite.
const PREPARE_TIMEOUT = 240_000;

// The service lists only @threadline/node, as its README says to; the type-checked consumer
// lists every package, since it imports them all.
let app: ConsumerApp;
let typedApp: ConsumerApp;
let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
  app = createConsumerApp({ thirdParty: THIRD_PARTY, direct: ['@threadline/node'] });
  typedApp = createConsumerApp({ thirdParty: THIRD_PARTY, tarballs: app.tarballs });
  for (const file of ['server.mjs', 'server.cjs'])
    copyFileSync(join(FIXTURES, file), join(app.dir, file));
  copyFileSync(join(FIXTURES, 'typed.ts'), join(typedApp.dir, 'typed.ts'));
  // Fetched before the runs so their timeouts measure only the app.
  nodeBinary(OLDEST_NODE);
  nodeBinary(CURRENT_NODE);
  nodeBinary(UNSUPPORTED_NODE);
}, PREPARE_TIMEOUT);
afterAll(async () => {
  await receiver?.close();
  // THREADLINE_KEEP_CONSUMER_APP=1 keeps the installed app to look into after a failure.
  if (process.env.THREADLINE_KEEP_CONSUMER_APP === '1') return;
  for (const { dir } of [app, typedApp].filter(Boolean))
    rmSync(dir, { recursive: true, force: true });
});

function run(
  node: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(node, args, {
    cwd: app.dir,
    env: plainEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

describe.each([OLDEST_NODE, CURRENT_NODE])(
  'installed from the packed tarballs, Node %s',
  (version) => {
    it.each([
      ['ESM', 'server.mjs', '--import'],
      ['CommonJS', 'server.cjs', '--require'],
    ])(
      '%s app (%s) started with %s @threadline/node/register: correlated console lines, records, spans and metrics arrive',
      async (_kind, file, preload) => {
        const serviceName = `consumer-${randomBytes(4).toString('hex')}`;
        const orderId = String(randomInt(1_000_000));
        const secret = `pw-${randomBytes(9).toString('base64url')}`;
        const { code, stdout, stderr } = await run(
          nodeBinary(version),
          [preload, '@threadline/node/register', file],
          {
            OTEL_SERVICE_NAME: serviceName,
            OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
            OTEL_BLRP_SCHEDULE_DELAY: '100',
            OTEL_BSP_SCHEDULE_DELAY: '100',
            OTEL_METRIC_EXPORT_INTERVAL: '300',
            LINGER_MS: '900',
            ORDER_ID: orderId,
            APP_SECRET: secret,
          },
        );
        expect(stderr).toBe('');
        expect(code).toBe(0);

        // What the console shows: winston's JSON line, with the trace ids added and the
        // secret gone.
        expect(stdout).not.toContain(secret);
        const line = stdout
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as Record<string, unknown>)
          .find((entry) => entry.message === 'order placed');
        expect(line?.orderId).toBe(orderId);
        expect(line?.trace_id).toMatch(/^[0-9a-f]{32}$/);
        expect(line?.span_id).toMatch(/^[0-9a-f]{16}$/);

        const ours = {
          predicate: (r: { resource: Record<string, unknown> }) =>
            r.resource[ATTR_SERVICE_NAME] === serviceName,
        };
        const spans = await receiver.waitForSpans((all) =>
          all.some((s) => ours.predicate(s) && s.kind === SERVER),
        );
        const server = spans.find((s) => ours.predicate(s) && s.kind === SERVER)!;
        expect(server.attributes[ATTR_HTTP_ROUTE]).toBe('/orders/:id');
        expect(server.traceId).toBe(line?.trace_id);

        const records = await receiver.waitForLogs((all) =>
          all.some((r) => ours.predicate(r) && r.body === 'order placed'),
        );
        const record = records.find((r) => ours.predicate(r) && r.body === 'order placed')!;
        expect(record.traceId).toBe(server.traceId);
        expect(record.attributes.orderId).toBe(orderId);
        expect(JSON.stringify(record.attributes)).not.toContain(secret);
        expect(String(record.body)).not.toContain(secret);

        const metrics = await receiver.waitForMetrics((all) =>
          all.some((m) => ours.predicate(m) && m.name === METRIC_HTTP_SERVER_REQUEST_DURATION),
        );
        const duration = metrics.find(
          (m) => ours.predicate(m) && m.name === METRIC_HTTP_SERVER_REQUEST_DURATION,
        )!;
        expect(duration.type).toBe('histogram');
      },
    );
  },
);

// Issue 17 item 4: a user's install prints nothing to act on. Before, @threadline/node depended
// on the gRPC exporters and @opentelemetry/sdk-node, whose @grpc/grpc-js brought protobufjs and
// its install script: npm listed it as an unreviewed install script on every consumer install
// (these tests failed on that code). They are optional peer dependencies now.
describe('a quiet install', () => {
  it('npm install of the packed packages prints no warning: no EBADENGINE, no install script, no peer conflict', () => {
    const warnings = [app, typedApp].flatMap((installed) =>
      installed.installWarnings.split('\n').filter((line) => line.trim() !== ''),
    );
    expect(warnings).toEqual([]);
  });

  it('the default install holds no package with an install script, and no gRPC stack', () => {
    const withScripts: string[] = [];
    const installed: string[] = [];
    const visit = (modules: string) => {
      if (!existsSync(modules)) return;
      for (const entry of readdirSync(modules)) {
        if (entry.startsWith('.')) continue;
        const dirs = entry.startsWith('@')
          ? readdirSync(join(modules, entry)).map((name) => join(modules, entry, name))
          : [join(modules, entry)];
        for (const dir of dirs) {
          const manifestPath = join(dir, 'package.json');
          if (!existsSync(manifestPath)) continue;
          const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
            name: string;
            scripts?: Record<string, string>;
          };
          installed.push(manifest.name);
          const scripts = Object.keys(manifest.scripts ?? {}).filter((name) =>
            ['preinstall', 'install', 'postinstall'].includes(name),
          );
          // npm runs node-gyp for a binding.gyp even without an install script.
          if (scripts.length > 0 || existsSync(join(dir, 'binding.gyp')))
            withScripts.push(`${manifest.name} (${scripts.join(', ') || 'binding.gyp'})`);
          visit(join(dir, 'node_modules'));
        }
      }
    };
    visit(join(app.dir, 'node_modules'));
    expect(installed).toContain('@threadline/node');
    expect(withScripts).toEqual([]);
    for (const absent of ['protobufjs', '@grpc/grpc-js', '@opentelemetry/sdk-node'])
      expect(installed).not.toContain(absent);
  });

  it.each([
    [
      { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' },
      '@opentelemetry/exporter-trace-otlp-grpc',
      'over gRPC',
    ],
    [{ OTEL_TRACES_EXPORTER: 'console' }, '@opentelemetry/sdk-node', 'OTEL_TRACES_EXPORTER'],
  ])(
    '%o without its optional peer: one clear error naming the package and the install command, and the app still runs',
    async (env, packageName, setting) => {
      const { code, stdout, stderr } = await run(
        nodeBinary(CURRENT_NODE),
        ['--import', '@threadline/node/register', 'server.mjs'],
        {
          OTEL_SERVICE_NAME: 'consumer-optional-peer',
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          OTEL_METRICS_EXPORTER: 'none',
          ORDER_ID: '7',
          ...env,
        },
      );
      expect(code).toBe(0);
      expect(stdout).toContain('order placed');
      const range = (
        JSON.parse(readFileSync(join(REPO_ROOT, 'packages/node/package.json'), 'utf8')) as {
          peerDependencies: Record<string, string>;
        }
      ).peerDependencies[packageName];
      expect(stderr).toContain(
        `needs ${packageName}, an optional peer dependency that is not installed; install it in the app (npm install ${packageName}@${range})`,
      );
      expect(stderr).toContain(setting);
      expect(stderr.split(`needs ${packageName}`)).toHaveLength(2);
    },
  );
});

describe('an unsupported Node', () => {
  it(`Node ${UNSUPPORTED_NODE}: the app runs on, and the doctor says once, without being asked, that this Node is not supported`, async () => {
    const { code, stdout, stderr } = await run(
      nodeBinary(UNSUPPORTED_NODE),
      ['--import', '@threadline/node/register', 'server.mjs'],
      {
        OTEL_SERVICE_NAME: 'consumer-unsupported-node',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_METRICS_EXPORTER: 'none',
        ORDER_ID: '9',
      },
    );
    expect(code).toBe(0);
    expect(stdout).toContain('order placed');
    const engines = (
      JSON.parse(readFileSync(join(REPO_ROOT, 'packages/node/package.json'), 'utf8')) as {
        engines: { node: string };
      }
    ).engines.node;
    const lines = stderr
      .split('\n')
      .filter((line) => line.includes(`Node ${UNSUPPORTED_NODE} is not supported`));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`needs Node ${engines}`);
  });
});

describe('the threadline bin', () => {
  it('npx threadline doctor runs from the installed package: a correct setup, no problems; a 404 path, one', async () => {
    const env = { OTEL_SERVICE_NAME: 'consumer' };
    const ok = await run(
      nodeBinary(CURRENT_NODE),
      ['node_modules/.bin/threadline', 'doctor', receiver.url],
      env,
    );
    expect(ok.stdout).toContain('no problems found');
    expect(ok.code).toBe(0);
    const wrongPath = await run(
      nodeBinary(CURRENT_NODE),
      ['node_modules/.bin/threadline', 'doctor', `${receiver.url}/v1/traces`],
      env,
    );
    expect(wrongPath.stdout).toContain('answered 404');
    expect(wrongPath.code).toBe(1);
  });
});

describe('published types', () => {
  it.each(['nodenext', 'bundler'] as const)(
    'a TypeScript consumer type-checks against the declarations with moduleResolution %s',
    (resolution) => {
      const tsconfig = join(typedApp.dir, `tsconfig.${resolution}.json`);
      writeFileSync(
        tsconfig,
        JSON.stringify({
          compilerOptions: {
            strict: true,
            noEmit: true,
            target: 'es2023',
            lib: ['es2023', 'dom'],
            module: resolution === 'nodenext' ? 'nodenext' : 'preserve',
            moduleResolution: resolution,
            types: ['node'],
            // Our declarations are checked; third-party ones are their authors' business.
            skipLibCheck: false,
          },
          files: ['typed.ts'],
        }),
      );
      let output = '';
      try {
        execFileSync(
          process.execPath,
          [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', tsconfig],
          { cwd: typedApp.dir, env: plainEnv(), encoding: 'utf8', stdio: 'pipe' },
        );
      } catch (error) {
        output = String((error as { stdout?: string }).stdout);
      }
      expect(output).toBe('');
    },
    60_000,
  );
});

describe('package linters on the packed tarballs', () => {
  it('publint (strict) and Are The Types Wrong (esm-only profile) find nothing in any package', () => {
    const findings: string[] = [];
    for (const [name, tarball] of app.tarballs) {
      for (const [tool, args] of [
        ['publint', ['run', tarball, '--strict']],
        // esm-only: the packages are ES modules for Node >= 22.15, where require() of an ES
        // module works, so node10 and "CJS resolves to ESM" do not apply. ./test-corpus is
        // a repository-internal entry (source condition only, not in the tarball): a
        // consumer importing it gets ERR_PACKAGE_PATH_NOT_EXPORTED, which is intended.
        [
          'attw',
          [
            tarball,
            '--profile',
            'esm-only',
            '--exclude-entrypoints',
            './test-corpus',
            '--format',
            'ascii',
          ],
        ],
      ] as const) {
        try {
          execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules/.bin', tool), ...args], {
            env: plainEnv(),
            encoding: 'utf8',
            stdio: 'pipe',
          });
        } catch (error) {
          const { stdout, stderr } = error as { stdout?: string; stderr?: string };
          findings.push(`${tool} ${name}:\n${stdout ?? ''}${stderr ?? ''}`);
        }
      }
    }
    expect(findings.join('\n')).toBe('');
  }, 120_000);
});

// What publint and Are The Types Wrong do not check: that a package's own code imports only
// packages its package.json declares. npm's hoisting hides a missing one in most apps (another
// package brings it along), until an app's tree differs; so it is read from the published
// JavaScript itself (the typed app has every package installed from its tarball).
const BARE_IMPORT =
  /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)["']([@a-z0-9][a-z0-9._~@/-]*)["']/gm;

function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function javascriptFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') out.push(...javascriptFiles(path));
    } else if (/\.(?:c|m)?js$/.test(entry.name)) out.push(path);
  }
  return out;
}

describe('declared dependencies', () => {
  it('every package imports only itself, Node built-ins and what its package.json declares', () => {
    const undeclared: string[] = [];
    const root = join(typedApp.dir, 'node_modules/@threadline');
    for (const dir of readdirSync(root)) {
      const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as {
        name: string;
        dependencies?: Record<string, string>;
        peerDependencies?: Record<string, string>;
      };
      const declared = new Set([
        manifest.name,
        ...Object.keys(manifest.dependencies ?? {}),
        ...Object.keys(manifest.peerDependencies ?? {}),
      ]);
      const dist = join(root, dir, 'dist');
      if (!existsSync(dist)) continue;
      for (const file of javascriptFiles(dist)) {
        for (const [, specifier] of readFileSync(file, 'utf8').matchAll(BARE_IMPORT)) {
          if (specifier.startsWith('node:') || isBuiltin(specifier)) continue;
          const name = packageNameOf(specifier);
          if (!declared.has(name))
            undeclared.push(`${manifest.name}: ${file.slice(root.length + 1)} imports ${name}`);
        }
      }
    }
    expect([...new Set(undeclared)]).toEqual([]);
  });
});
