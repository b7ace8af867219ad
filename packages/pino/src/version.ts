// The instrumentation scope of the records this package emits.
export const PACKAGE_NAME = '@threadline/pino';
export const PACKAGE_VERSION = '0.1.0';
