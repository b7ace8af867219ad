/**
 * Characters that change how text displays rather than what it says, and so must never reach
 * a console, a file or a diagnostic as they are: C0 controls (CR, LF, TAB, NUL, ESC, …), DEL,
 * C1 controls (U+0085 NEXT LINE among them), the Unicode line and paragraph separators (which
 * start a new line in many viewers), and the bidirectional marks, overrides and isolates
 * (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069) that reorder what a terminal shows.
 * One list for every package that escapes text: redact's `escapeControlCharacters` and
 * log-export's receiver text (they had drifted apart).
 */
export const DISPLAY_CONTROL_CHARACTERS =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Whether the UTF-16 code unit `code` is one of {@link DISPLAY_CONTROL_CHARACTERS}. */
export function isDisplayControl(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x061c ||
    code === 0x200e ||
    code === 0x200f ||
    code === 0x2028 ||
    code === 0x2029 ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}
