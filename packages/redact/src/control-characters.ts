import { DISPLAY_CONTROL_CHARACTERS } from '@threadline/core';

// The list lives in @threadline/core (display-controls.ts), shared with log-export.
const CONTROL_CHARACTERS = DISPLAY_CONTROL_CHARACTERS;

function escapeOne(character: string): string {
  switch (character) {
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    default:
      return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
  }
}

/**
 * Replaces control characters with visible escapes (`\n`, `\r`, `\t`, `\u001b`, `\u2028`, …)
 * so that text written to a console or a file cannot start a forged line, move the cursor,
 * recolour the terminal or reorder what is displayed. Returns `value` itself when it has none.
 * Backslashes are left as they are: the output is for reading, not for unescaping.
 */
export function escapeControlCharacters(value: string): string {
  CONTROL_CHARACTERS.lastIndex = 0;
  return CONTROL_CHARACTERS.test(value) ? value.replace(CONTROL_CHARACTERS, escapeOne) : value;
}

/** The shape of a winston (logform) format, without depending on winston. */
export interface LineSafeFormat {
  transform(info: Record<PropertyKey, unknown>): Record<PropertyKey, unknown>;
}

/**
 * A winston format that escapes control characters in every top-level string field of an
 * entry (the message first of all), for console and file transports whose output is not JSON
 * (`format.simple()`, `format.printf(…)`): a message carrying `\n{"level":"info",…}` cannot
 * forge a second line. Put it before the output format:
 * `format.combine(lineSafeFormat(), format.simple())`. JSON output needs none (JSON escapes
 * them), and OpenTelemetry records keep the original text.
 */
export function lineSafeFormat(): LineSafeFormat {
  return {
    transform(info) {
      for (const key of Object.keys(info)) {
        const value = info[key];
        if (typeof value === 'string') {
          const escaped = escapeControlCharacters(value);
          if (escaped !== value) info[key] = escaped;
        }
      }
      return info;
    },
  };
}
