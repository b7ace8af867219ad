/** The package version, reported as `telemetry.sdk.version` and the scope version. */
export const VERSION = '0.1.0';

/** The instrumentation scope name of everything this package emits. */
export const SCOPE_NAME = '@threadline/browser';
