export { RateLimitedWarning } from './rate-limited-warning.ts';
export { enumeratesOwnKeysOnly, ownKeysForIn } from './own-keys.ts';
