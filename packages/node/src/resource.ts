import type { Attributes } from '@opentelemetry/api';
import {
  defaultResource,
  envDetector,
  hostDetector,
  osDetector,
  processDetector,
  resourceFromAttributes,
  serviceInstanceIdDetector,
} from '@opentelemetry/resources';
import type { Resource, ResourceDetector } from '@opentelemetry/resources';
import { containerDetector } from '@opentelemetry/resource-detector-container';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { AppPackage } from './app-package.ts';
import type { ResolvedConfig } from './config.ts';
import { ATTR_DEPLOYMENT_ENVIRONMENT_NAME } from './semconv.ts';

export interface ResourceSetup {
  /** Lowest priority: SDK defaults and what the application's package.json says. */
  readonly baseResource: Resource;
  /** Merged in order over the base, so later detectors win: env over hosts, code over env. */
  readonly detectors: ResourceDetector[];
}

function definedOnly(attributes: Attributes): Attributes {
  return Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== undefined));
}

/**
 * Builds the resource so that precedence is: code options, then `OTEL_SERVICE_NAME` /
 * `OTEL_RESOURCE_ATTRIBUTES`, then detected host/process/container facts, then the
 * application's package.json and `NODE_ENV`.
 */
export function buildResource(config: ResolvedConfig, app: AppPackage): ResourceSetup {
  const baseResource = defaultResource().merge(
    resourceFromAttributes(
      definedOnly({
        [ATTR_SERVICE_NAME]: app.name,
        [ATTR_SERVICE_VERSION]: app.version,
        [ATTR_DEPLOYMENT_ENVIRONMENT_NAME]: process.env.NODE_ENV?.trim() || 'development',
      }),
    ),
  );
  const fromCode = definedOnly({
    [ATTR_SERVICE_NAME]: config.serviceName,
    [ATTR_SERVICE_VERSION]: config.serviceVersion,
    [ATTR_DEPLOYMENT_ENVIRONMENT_NAME]: config.deploymentEnvironment,
    ...config.resourceAttributes,
  });
  const codeDetector: ResourceDetector = { detect: () => ({ attributes: fromCode }) };
  return {
    baseResource,
    detectors: [
      serviceInstanceIdDetector,
      processDetector,
      hostDetector,
      osDetector,
      containerDetector,
      envDetector,
      codeDetector,
    ],
  };
}
