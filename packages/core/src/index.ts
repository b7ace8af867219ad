export { RateLimitedWarning } from './rate-limited-warning.ts';
export { enumeratesOwnKeysOnly } from './own-keys.ts';
