import {
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_EXCEPTION_TYPE,
} from '@opentelemetry/semantic-conventions';

/** `exception.*` attributes of a thrown value; never throws, whatever was thrown. */
export function exceptionAttributes(thrown: unknown): Record<string, string> {
  try {
    if (
      thrown instanceof Error ||
      (typeof thrown === 'object' && thrown !== null && 'message' in thrown)
    ) {
      const error = thrown as { name?: unknown; message?: unknown; stack?: unknown };
      const attributes: Record<string, string> = {
        [ATTR_EXCEPTION_TYPE]:
          typeof error.name === 'string' && error.name !== '' ? error.name : 'Error',
        [ATTR_EXCEPTION_MESSAGE]: String(error.message),
      };
      if (typeof error.stack === 'string' && error.stack !== '') {
        attributes[ATTR_EXCEPTION_STACKTRACE] = error.stack;
      }
      return attributes;
    }
    return { [ATTR_EXCEPTION_TYPE]: typeof thrown, [ATTR_EXCEPTION_MESSAGE]: String(thrown) };
  } catch {
    return {
      [ATTR_EXCEPTION_TYPE]: 'unknown',
      [ATTR_EXCEPTION_MESSAGE]: '[unreadable thrown value]',
    };
  }
}
