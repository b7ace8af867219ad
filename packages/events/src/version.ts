export const VERSION = '0.1.0';
export const SCOPE_NAME = '@threadline/events';
