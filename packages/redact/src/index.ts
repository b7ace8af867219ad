export { createRedactor } from './redactor.ts';
export { createRedactingSpanProcessor } from './redacting-span-processor.ts';
export { createRedactingLogRecordProcessor } from './redacting-log-record-processor.ts';
export { escapeControlCharacters, lineSafeFormat } from './control-characters.ts';
export { passesLuhn } from './luhn.ts';
export { SENSITIVE_KEYS, SENSITIVE_KEY_MARKERS, normalizeKey } from './sensitive-keys.ts';
export type { LineSafeFormat } from './control-characters.ts';
export type { BuiltInPatternName, HeaderRecord, Redactor, RedactorOptions } from './types.ts';
