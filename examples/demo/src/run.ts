// `npm run demo`: runs gateway → orders → payments as instrumented child processes against an
// in-process OTLP receiver, places one order per outcome, and prints each trace as a tree
// across the three services with the log lines written under each span.
import { startOtlpReceiver } from '@threadline/testing';
import { SERVICE_NAMES, startFoodDelivery } from './food-delivery.ts';
import type { FoodDelivery } from './food-delivery.ts';
import { placeOrder } from './gateway-client.ts';
import { ORDER_SCENARIOS } from './scenarios.ts';
import { waitForTelemetry } from './trace-completeness.ts';
import type { ExpectedTrace } from './trace-completeness.ts';
import { renderTraceTree } from './trace-tree.ts';

const TELEMETRY_TIMEOUT_MS = 15_000;

async function main(): Promise<void> {
  const receiver = await startOtlpReceiver();
  let system: FoodDelivery | undefined;
  try {
    console.log(`OTLP receiver listening at ${receiver.url}\n`);
    system = await startFoodDelivery({ otlpEndpoint: receiver.url });
    for (const service of system.services)
      console.log(`started ${service.name.padEnd(8)} pid ${service.pid}  ${service.url}`);

    console.log('\nplacing orders through the gateway:');
    const expected: ExpectedTrace[] = [];
    const problems: string[] = [];
    for (const scenario of ORDER_SCENARIOS) {
      const placed = await placeOrder(system.gatewayUrl, scenario.order);
      console.log(
        `  ${scenario.name.padEnd(17)} → ${placed.status} ${JSON.stringify(placed.body)}`,
      );
      if (placed.status !== scenario.expectedStatus) {
        problems.push(
          `"${scenario.name}" answered ${placed.status}, expected ${scenario.expectedStatus}`,
        );
      }
      if (placed.traceId === undefined)
        problems.push(`"${scenario.name}": the gateway sent no traceresponse header`);
      else expected.push({ traceId: placed.traceId, services: SERVICE_NAMES });
    }
    if (problems.length > 0) throw new Error(problems.join('\n'));

    process.stdout.write('\nwaiting for spans and logs … ');
    await waitForTelemetry(() => ({ spans: receiver.spans(), logs: receiver.logs() }), expected, {
      timeoutMs: TELEMETRY_TIMEOUT_MS,
    });
    console.log('all arrived');

    process.stdout.write('stopping services with SIGTERM … ');
    const exits = await system.stop();
    system = undefined;
    console.log([...exits].map(([name, exit]) => `${name} ${describeExit(exit)}`).join(', '));
    const forced = [...exits].filter(([, exit]) => exit.forced).map(([name]) => name);
    if (forced.length > 0)
      throw new Error(`${forced.join(', ')} did not exit on SIGTERM and had to be killed`);

    // Read after the services exited: what they flushed on the way out is included.
    const traceIds = new Set(expected.map((t) => t.traceId));
    const spans = receiver.spans().filter((s) => traceIds.has(s.traceId));
    const logs = receiver.logs().filter((l) => traceIds.has(l.traceId));
    console.log(`\n${renderTraceTree(spans, logs)}`);
  } catch (err) {
    if (system) {
      for (const service of system.services) {
        console.error(
          `\n--- last output of ${service.name} ---\n${service.output().split('\n').slice(-15).join('\n')}`,
        );
      }
    }
    throw err;
  } finally {
    await system?.stop();
    await receiver.close();
  }
}

function describeExit({ code, signal }: { code: number | null; signal: string | null }): string {
  return signal ? `killed by ${signal}` : `exited ${code}`;
}

main().catch((err: unknown) => {
  console.error(`\ndemo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
