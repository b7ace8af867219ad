export { RateLimitedWarning } from './rate-limited-warning.ts';
