/**
 * Default bound of the log record queue, in records, for `@threadline/log-export`'s processor
 * and `@threadline/node`'s `logQueueSize`. The SDK's 2,048 overflows on a burst as small as a
 * request fan-out logging in a loop; records are small, so a larger bound costs little memory
 * and loses nothing.
 */
export const DEFAULT_LOG_QUEUE_SIZE = 16_384;
