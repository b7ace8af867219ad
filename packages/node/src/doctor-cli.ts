#!/usr/bin/env node
// `npx threadline doctor [endpoint]`: the start-up checks on demand, for the environment
// this shell would give the service, plus the endpoint probe. Exit code 1 when anything
// was found, so it can gate a deploy script.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  logsOffWithLogger,
  probeEndpoint,
  tracesHeaders,
  tracesUrl,
  unknownVariables,
  unsupportedNode,
} from './doctor.ts';
import type { DoctorFinding } from './doctor.ts';
import { samplerFinding } from './doctor-sampler.ts';

const USAGE =
  'usage: threadline doctor [endpoint]   (endpoint: OTLP/HTTP base URL, e.g. http://collector:4318)';

function loggersOfApp(dir: string): string[] {
  const appRequire = createRequire(join(dir, 'package.json'));
  return ['winston', 'pino'].filter((name) => {
    try {
      appRequire.resolve(name);
      return true;
    } catch {
      return false;
    }
  });
}

async function main(args: readonly string[]): Promise<number> {
  if (args[0] !== 'doctor' || args.length > 2) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const env = { ...process.env };
  if (args[1] !== undefined) {
    env.OTEL_EXPORTER_OTLP_ENDPOINT = args[1];
    delete env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  }
  const logsKind = env.OTEL_LOGS_EXPORTER?.trim() === 'none' ? 'none' : 'otlp';
  const url = tracesUrl(env);
  const findings: DoctorFinding[] = [
    ...unsupportedNode(),
    ...unknownVariables(env),
    // No app code runs here, so only OTEL_TRACES_SAMPLER can name a sampler.
    ...samplerFinding(undefined, env),
    ...logsOffWithLogger(logsKind, loggersOfApp(process.cwd())),
  ];
  const endpoint = await probeEndpoint(url, tracesHeaders(env), { keepAlive: true });
  if (endpoint !== undefined) findings.push(endpoint);
  process.stdout.write(`threadline doctor: checked the environment and ${url}\n`);
  for (const finding of findings) process.stdout.write(`  - ${finding.message}\n`);
  process.stdout.write(
    findings.length === 0 ? 'no problems found\n' : `${findings.length} problem(s) found\n`,
  );
  return findings.length === 0 ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
