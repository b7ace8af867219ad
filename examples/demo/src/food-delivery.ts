import { startService } from './service-process.ts';
import type { ServiceExit, ServiceProcess } from './service-process.ts';

/** The example services, callers first. */
export const SERVICE_NAMES = ['gateway', 'orders', 'payments'] as const;

export interface FoodDeliveryOptions {
  /** Base OTLP/HTTP endpoint every service exports to (`OTEL_EXPORTER_OTLP_ENDPOINT`). */
  otlpEndpoint: string;
  /** Extra environment for all three services. */
  env?: Record<string, string>;
}

export interface FoodDelivery {
  readonly gatewayUrl: string;
  readonly services: readonly ServiceProcess[];
  /** Stops the services callers first, so none is stopped while a caller still needs it. */
  stop(): Promise<Map<string, ServiceExit>>;
}

/**
 * Starts payments, orders and gateway as separate instrumented processes on random ports,
 * each told where its downstream service listens, all exporting to one OTLP endpoint.
 */
export async function startFoodDelivery(options: FoodDeliveryOptions): Promise<FoodDelivery> {
  const started: ServiceProcess[] = [];
  const start = async (name: string, env: Record<string, string> = {}) => {
    const service = await startService({
      name,
      env: { ...telemetryEnv(name, options.otlpEndpoint), ...options.env, ...env },
    });
    started.unshift(service);
    return service;
  };
  const stop = async () => {
    const exits = new Map<string, ServiceExit>();
    for (const service of started) exits.set(service.name, await service.stop());
    return exits;
  };

  try {
    const payments = await start('payments');
    const orders = await start('orders', { PAYMENTS_URL: payments.url });
    const gateway = await start('gateway', { ORDERS_URL: orders.url });
    return { gatewayUrl: gateway.url, services: [...started], stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function telemetryEnv(serviceName: string, endpoint: string): Record<string, string> {
  return {
    OTEL_SERVICE_NAME: serviceName,
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_RESOURCE_ATTRIBUTES: 'service.namespace=food-delivery,deployment.environment.name=demo',
    // Export every 200 ms instead of every 1-5 s, so the demo and tests do not sit waiting.
    OTEL_BSP_SCHEDULE_DELAY: '200',
    OTEL_BLRP_SCHEDULE_DELAY: '200',
  };
}
