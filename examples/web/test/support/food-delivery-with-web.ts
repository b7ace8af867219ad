import { freePorts } from '@threadline/testing';
import { startService, type ServiceProcess } from '../../../demo/src/service-process.ts';

export interface WebStack {
  /** The gateway's origin, which serves the page: `http://127.0.0.1:<port>`. */
  readonly gatewayOrigin: string;
  stop(): Promise<void>;
}

/**
 * The gateway's origin must be known before anything starts (the receiver's CORS list needs
 * it, and the gateway needs the receiver's URL), so the gateway gets a port chosen up front.
 */
export async function reserveGatewayOrigin(): Promise<{ port: number; origin: string }> {
  const [port] = await freePorts(1);
  return { port, origin: `http://127.0.0.1:${port}` };
}

/**
 * Starts payments, orders and the gateway (serving `webRoot` and telling the page its OTLP
 * endpoint) as instrumented child processes, exporting to `otlpEndpoint`, the way the demo
 * starts them (`--import @threadline/node/register`).
 */
export async function startWebStack(options: {
  otlpEndpoint: string;
  gatewayPort: number;
  webRoot: string;
  browserOtlpEndpoint: string;
  /** `OTEL_EXPORTER_OTLP_HEADERS` for the services, e.g. the collector's service-door token. */
  otlpHeaders?: string;
}): Promise<WebStack> {
  const started: ServiceProcess[] = [];
  const stop = async () => {
    // Callers first, so none is stopped while a caller still needs it.
    for (const service of started.splice(0)) await service.stop();
  };
  const start = async (name: string, env: Record<string, string>) => {
    const service = await startService({
      name,
      env: {
        ...telemetryEnv(name, options.otlpEndpoint),
        ...(options.otlpHeaders === undefined
          ? {}
          : { OTEL_EXPORTER_OTLP_HEADERS: options.otlpHeaders }),
        ...env,
      },
    });
    started.unshift(service);
    return service;
  };
  try {
    const payments = await start('payments', {});
    const orders = await start('orders', { PAYMENTS_URL: payments.url });
    await start('gateway', {
      PORT: String(options.gatewayPort),
      ORDERS_URL: orders.url,
      WEB_ROOT: options.webRoot,
      OTLP_BROWSER_ENDPOINT: options.browserOtlpEndpoint,
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { gatewayOrigin: `http://127.0.0.1:${options.gatewayPort}`, stop };
}

function telemetryEnv(serviceName: string, endpoint: string): Record<string, string> {
  return {
    OTEL_SERVICE_NAME: serviceName,
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_RESOURCE_ATTRIBUTES: 'service.namespace=food-delivery,deployment.environment.name=test',
    // Export every 200 ms so the test does not sit waiting for the default 1-5 s batches.
    OTEL_BSP_SCHEDULE_DELAY: '200',
    OTEL_BLRP_SCHEDULE_DELAY: '200',
  };
}
