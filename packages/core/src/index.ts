export { RateLimitedWarning } from './rate-limited-warning.ts';
export { enumeratesOwnKeysOnly, ownKeysForIn } from './own-keys.ts';
export { PLAIN_DATA_RECORD, PLAIN_RECORD_PROCESSOR } from './plain-records.ts';
export { DISPLAY_CONTROL_CHARACTERS, isDisplayControl } from './display-controls.ts';
