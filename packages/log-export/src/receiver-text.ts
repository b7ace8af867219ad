import { isDisplayControl } from '@threadline/core';

/** Most characters of receiver-supplied text put into one diagnostic message. */
export const MAX_RECEIVER_TEXT_CHARS = 1024;

/**
 * Receiver-supplied text (a partial success's `error_message`) made safe for diagnostics:
 * control characters (C0, DEL, C1: terminal escapes, newlines that would forge log lines),
 * line/paragraph separators and bidirectional overrides (core's `isDisplayControl`) written as `\uXXXX` (`\n`, `\r`, `\t` as such), lone surrogates
 * as U+FFFD, and the result cut at `maxChars` with a note of how much was left out. The
 * receiver is not trusted: it may be a proxy, a misconfigured endpoint or an attacker's.
 */
export function receiverText(text: string, maxChars: number = MAX_RECEIVER_TEXT_CHARS): string {
  let out = '';
  let i = 0;
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let piece: string;
    if (code === 0x0a) piece = '\\n';
    else if (code === 0x0d) piece = '\\r';
    else if (code === 0x09) piece = '\\t';
    else if (isDisplayControl(code)) piece = `\\u${code.toString(16).padStart(4, '0')}`;
    else if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        piece = text.slice(i, i + 2);
        if (out.length + piece.length > maxChars) break;
        out += piece;
        i++;
        continue;
      }
      piece = '\uFFFD';
    } else if (code >= 0xdc00 && code <= 0xdfff) piece = '\uFFFD';
    else piece = text[i];
    if (out.length + piece.length > maxChars) break;
    out += piece;
  }
  return i < text.length ? `${out}… (${text.length - i} more characters)` : out;
}
