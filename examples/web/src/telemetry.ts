import { startBrowserTelemetry, type BrowserTelemetry } from '@threadline/browser';

interface PageConfig {
  otlpEndpoint?: unknown;
  serviceName?: unknown;
}

/**
 * Starts telemetry with the collector endpoint the gateway publishes at `/config.json`
 * (from its `OTLP_BROWSER_ENDPOINT`). Without it the page works untraced.
 */
export async function startPageTelemetry(): Promise<BrowserTelemetry | undefined> {
  let config: PageConfig;
  try {
    const response = await fetch('/config.json', { cache: 'no-store' });
    if (!response.ok) return undefined;
    config = (await response.json()) as PageConfig;
  } catch {
    return undefined;
  }
  if (typeof config.otlpEndpoint !== 'string' || config.otlpEndpoint === '') return undefined;
  try {
    return startBrowserTelemetry({
      otlpEndpoint: config.otlpEndpoint,
      serviceName: typeof config.serviceName === 'string' ? config.serviceName : 'web',
      resourceAttributes: { 'service.namespace': 'food-delivery' },
      logLevel: 'debug',
    });
  } catch (error) {
    console.warn('telemetry not started:', error);
    return undefined;
  }
}
