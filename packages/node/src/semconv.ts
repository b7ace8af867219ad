// Incubating semantic-convention names we emit. OpenTelemetry advises copying incubating
// constants rather than importing `@opentelemetry/semantic-conventions/incubating`, whose
// exports may change in minor releases.
export const ATTR_DEPLOYMENT_ENVIRONMENT_NAME = 'deployment.environment.name';
