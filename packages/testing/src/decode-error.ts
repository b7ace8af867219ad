/**
 * Thrown by the `decode*Request` functions for a body that is not a valid OTLP message.
 * The receiver turns it into a 400 answer whose message is this error's message.
 */
export class OtlpDecodeError extends Error {
  /** Where in the message the problem is, outermost first, e.g. `['resourceLogs', '[0]', 'resource']`. */
  readonly path: string[] = [];
  /** The problem without its location. */
  readonly detail: string;

  constructor(detail: string) {
    super(detail);
    this.name = 'OtlpDecodeError';
    this.detail = detail;
  }

  /** Called while unwinding out of nested messages, so the path is built only on failure. */
  within(segment: string): this {
    this.path.unshift(segment);
    const location = this.path
      .map((part, i) => (i === 0 || part.startsWith('[') ? part : `.${part}`))
      .join('');
    this.message = `${location}: ${this.detail}`;
    return this;
  }
}
