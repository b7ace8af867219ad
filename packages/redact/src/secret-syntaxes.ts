// Secrets written in a syntax other than `name=value` / `name: value` (which
// `sensitiveParameters` covers): SQL password clauses, command-line options, XML elements and
// URL path segments that follow a sensitive word. Browser-safe (no Node APIs).
//
// Cost: none of these has `=` or `:` to be found by, so the pre-scan in value-patterns.ts also
// stops at `</`, a quote, `--`, `-p` and a `/` followed by 8 characters of a path segment
// (measured as cheap as the text scan without them; a user agent's `Mozilla/5.0 (` or a
// route's `/orders/:id` does not stop it). A string with one of them runs this pattern, which
// looks for each syntax's keyword with one native search before any regex with captures runs.
import { isRedactingDecision, splitKey } from './sensitive-keys.ts';
import type { KeyClassifier } from './sensitive-keys.ts';

// A path segment's characters: ASCII word characters and `.~%+-`, and the letters beyond ASCII
// that value-patterns.ts reads as part of a name (look-alikes are folded by the key rules).
const PATH_CHARACTER =
  '[\\w.~%+\\-\\u00c0-\\u00d6\\u00d8-\\u00f6\\u00f8-\\u1fff\\u200b-\\u200f\\u2060-\\u2fff\\u3040-\\uff19\\uff1b\\uff1c\\uff1e-\\uffff]';
/** What the pre-scan must stop at for {@link redactSecretSyntaxes} to run. */
export const SECRET_SYNTAX_HINT = new RegExp(
  // The 8 path characters written out: V8 runs `[…]{8}` here 2–4× slower than eight classes.
  // A YAML value this pattern reads starts after `key:` at a line end, a block (`|`, `>`), an
  // `&anchor` or a `!tag`.
  `<\\/|['"]|-[-p]|\\/${PATH_CHARACTER.repeat(8)}|:[ \\t]*(?:$|[\\n\\r|>&!])`,
);

interface SyntaxContext {
  readonly marker: string;
  readonly keys: KeyClassifier;
}

function isSensitiveName(keys: KeyClassifier, name: string): boolean {
  return isRedactingDecision(keys.classify(name));
}

// --- SQL -------------------------------------------------------------------------------------
// `ALTER USER bob [WITH] PASSWORD 'x'`, `CREATE ROLE r LOGIN [ENCRYPTED] PASSWORD 'x'`,
// `SET PASSWORD [FOR 'u'@'h'] = 'x'` or `= PASSWORD('x')`, `IDENTIFIED [WITH plugin] BY
// [PASSWORD] 'x'`. Only a quoted literal after PASSWORD (SQL needs the quotes; prose such as
// "password reset" has none); `IDENTIFIED BY x` unquoted too (Oracle), the keyword pair is
// not prose. Whitespace or `=` must separate keyword and quote, so a JSON list
// `["password","email"]` is not read as a clause.
const SQL_KEYWORD = /password|identified/i;
const SQL_QUOTED =
  /\b(PASSWORD|IDENTIFIED(?:\s+WITH\s+[\w'"]{1,64})?\s+BY(?:\s+PASSWORD)?)(\s+FOR\s+\S{1,128}?)?(\s+|\s*=\s*(?:PASSWORD\s*\(\s*)?)('(?:[^'\\\n]|\\.|''){0,256}'|"(?:[^"\\\n]|\\.){0,256}")/gi;
const SQL_UNQUOTED = /\b(IDENTIFIED\s+BY\s+)(?!PASSWORD\b)([^\s'";,)]+)/gi;

function redactSql(value: string, marker: string): string {
  if (!SQL_KEYWORD.test(value)) return value;
  const quoted = value.replace(
    SQL_QUOTED,
    (match, keyword: string, target: string | undefined, separator: string, literal: string) => {
      const inner = literal.slice(1, -1);
      if (inner.length === 0 || inner === marker) return match;
      return `${keyword}${target ?? ''}${separator}${literal[0]}${marker}${literal[0]}`;
    },
  );
  return quoted.replace(SQL_UNQUOTED, (match, head: string, secret: string) =>
    secret === marker || secret.startsWith(marker) ? match : head + marker,
  );
}

// --- command lines ---------------------------------------------------------------------------
// `--password secret`, `--api-key "k"`, `-token t` (the `=` form is sensitiveParameters').
// Words a sentence puts after an option name ("set --password to …") are left.
const OPTION_WITH_VALUE =
  /(?<![\w-])(--?)([A-Za-z][\w-]{1,60})([ \t]+)('[^'\n]{0,256}'|"[^"\n]{0,256}"|[^\s'"-][^\s'"]*)/g;
const PROSE_AFTER_OPTION: ReadonlySet<string> = new Set([
  'a',
  'an',
  'and',
  'argument',
  'flag',
  'for',
  'from',
  'in',
  'is',
  'missing',
  'must',
  'not',
  'of',
  'on',
  'option',
  'or',
  'parameter',
  'required',
  'should',
  'the',
  'to',
  'value',
  'was',
  'with',
]);

// mysql's `-pSECRET` (no space) is the only short option read as a password, and only on a
// line naming a client that takes it: elsewhere `-p2222` (ssh) or `-p8080:80` (docker) is a
// port. `-p secret` with a space is not a password to mysql either (it prompts, and the word
// is the database name).
const PASSWORD_SHORT_OPTION_CLIENT = /\b(?:mysql\w*|mariadb\w*|sshpass)\b/i;
const GLUED_P_OPTION = /(?<![\w-])-p('[^'\n]{0,256}'|"[^"\n]{0,256}"|[^\s'"-][^\s]*)/g;

function redactCommandLine(value: string, { marker, keys }: SyntaxContext): string {
  let out = value;
  if (out.includes('-')) {
    out = out.replace(
      OPTION_WITH_VALUE,
      (match, dashes: string, name: string, space: string, argument: string) => {
        if (!isSensitiveName(keys, name)) return match;
        const quote = argument[0] === '"' || argument[0] === "'" ? argument[0] : '';
        const inner = quote === '' ? argument : argument.slice(1, -1);
        if (inner.length === 0 || inner.startsWith(marker)) return match;
        if (quote === '' && PROSE_AFTER_OPTION.has(inner.toLowerCase())) return match;
        return `${dashes}${name}${space}${quote}${marker}${quote}`;
      },
    );
  }
  if (out.includes('-p') && PASSWORD_SHORT_OPTION_CLIENT.test(out)) {
    out = out.replace(GLUED_P_OPTION, (match, argument: string) => {
      const quote = argument[0] === '"' || argument[0] === "'" ? argument[0] : '';
      const inner = quote === '' ? argument : argument.slice(1, -1);
      if (inner.length === 0 || inner.startsWith(marker)) return match;
      return `-p${quote}${marker}${quote}`;
    });
  }
  return out;
}

// --- XML -------------------------------------------------------------------------------------
// `<password>x</password>`, `<ns:ApiKey id="1">x</ns:ApiKey>`, CDATA content included; the
// element is decided by its local name with the key rules. CDATA is looked at up to 4 KiB, so
// a string of unterminated `<![CDATA[` cannot make each one scan to the end.
const XML_ELEMENT =
  /<((?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*))(\s[^<>]*)?>(<!\[CDATA\[[\s\S]{0,4096}?\]\]>|[^<]*)<\/\1\s*>/g;

function redactXml(value: string, { marker, keys }: SyntaxContext): string {
  if (!value.includes('</')) return value;
  return value.replace(
    XML_ELEMENT,
    (match, name: string, local: string, attributes: string | undefined, content: string) => {
      if (content.trim().length === 0 || content === marker) return match;
      if (!isSensitiveName(keys, local)) return match;
      return `<${name}${attributes ?? ''}>${marker}</${name}>`;
    },
  );
}

// --- YAML --------------------------------------------------------------------------------------
// What `sensitiveParameters` cannot see on one line: a block scalar (`password: |` or `>-`
// and the more-indented lines under it), a value on the next line (`password:` then
// `  s3cret`), and a value behind an anchor or a tag (`password: &pw s3cret`,
// `password: !!str s3cret`). Runs before `sensitiveParameters` so the indicator and the
// properties are still there to read.
const YAML_KEY_LINE =
  /^([ \t]*)(?:-[ \t]+)?(["']?)([A-Za-z_][\w.-]{0,80})\2[ \t]*:(?:[ \t]+([^\n]*))?$/gm;
const YAML_BLOCK_HEAD = /^(?:[|>][-+0-9]{0,3})?[ \t]*(?:#.*)?$/;
const YAML_PROPERTIES = /^(?:(?:&[^\s#]+|![^\s#]*)[ \t]+)+/;
const YAML_INDICATOR = /:[ \t]*(?:[\n\r|>&!]|$)/m;

function indentOf(line: string): number {
  let n = 0;
  while (n < line.length && (line.charCodeAt(n) === 0x20 || line.charCodeAt(n) === 0x09)) n++;
  return n;
}

/** End of the lines after `from` indented deeper than `indent` (blank lines included). */
function blockEnd(value: string, from: number, indent: number): number {
  let end = from;
  let at = from;
  while (at < value.length) {
    let next = value.indexOf('\n', at);
    if (next === -1) next = value.length;
    const line = value.slice(at, next).replace(/\r$/, '');
    if (line.trim().length > 0) {
      if (indentOf(line) <= indent) break;
      end = next;
    }
    at = next + 1;
  }
  return end;
}

function redactYaml(value: string, { marker, keys }: SyntaxContext): string {
  if (!YAML_INDICATOR.test(value)) return value;
  let out = '';
  let copied = 0;
  YAML_KEY_LINE.lastIndex = 0;
  for (let match = YAML_KEY_LINE.exec(value); match !== null; match = YAML_KEY_LINE.exec(value)) {
    const lineEnd = match.index + match[0].length;
    if (match.index < copied) continue;
    const rest = (match[4] ?? '').replace(/\r$/, '');
    const resume = YAML_KEY_LINE.lastIndex;
    const sensitive = isSensitiveName(keys, match[3]);
    YAML_KEY_LINE.lastIndex = resume;
    if (!sensitive) continue;
    if (YAML_BLOCK_HEAD.test(rest)) {
      // The value is the block under the key.
      const end = blockEnd(value, lineEnd + 1, match[1].length);
      if (end <= lineEnd + 1) continue;
      const inner = value.slice(lineEnd + 1, end);
      const indent = ' '.repeat(indentOf(inner));
      if (inner.trim() === marker) continue;
      out += value.slice(copied, lineEnd + 1) + indent + marker;
      copied = end;
      YAML_KEY_LINE.lastIndex = end;
      continue;
    }
    const properties = YAML_PROPERTIES.exec(rest);
    if (properties === null) continue;
    const valueText = rest.slice(properties[0].length).replace(/[ \t]+#.*$/, '');
    if (valueText.length === 0 || valueText.startsWith(marker)) continue;
    const start = lineEnd - rest.length + properties[0].length;
    out += value.slice(copied, start) + marker;
    copied = start + valueText.length;
  }
  return copied === 0 ? value : out + value.slice(copied);
}

// --- URL paths -------------------------------------------------------------------------------
// `/reset-password/<token>`, `/api/keys/<key>`, `/tokens/<t>`, `/invite/<token>`: a segment
// after one naming a secret is the secret when it looks like one (8+ characters with letters
// and digits, or 20+ characters). `/orders/123`, `/users/42/profile`, `/keys/42/rotate`,
// `/tokens/new` stay as they are.
const PATH_SECRET_WORDS: ReadonlySet<string> = new Set([
  'password',
  'passwords',
  'passwd',
  'passcode',
  'pwd',
  'token',
  'tokens',
  'secret',
  'secrets',
  'key',
  'keys',
  'apikey',
  'apikeys',
  'credential',
  'credentials',
  'reset',
  'invite',
  'invitation',
  'invitations',
  'activate',
  'activation',
  'verify',
  'verification',
  'magic',
  'otp',
]);
const PATH_KEYWORD =
  /pass|pwd|token|secret|key|credential|reset|invit|activat|verif|magic|otp|PASS|PWD|TOKEN|SECRET|KEY|CREDENTIAL|RESET|INVIT|ACTIVAT|VERIF|MAGIC|OTP/;
const PATH_PAIR = /\/([A-Za-z][\w.-]{0,63})\/([^/?#\s"'<>;,)\]}]+)/g;
const HAS_DIGIT = /\d/;
const HAS_LETTER = /[A-Za-z]/;

// Each word of PATH_SECRET_WORDS starts with one of these; in a plain ASCII segment a word is
// a run of its letters, so a segment without any (any case) has none of the words, and needs
// no split (base64 text is full of `/segment/segment` pairs).
const PATH_WORD_STEM = /pass|pwd|token|secret|key|credential|reset|invit|activat|verif|magic|otp/i;
const PLAIN_ASCII_SEGMENT = /^[ -$&-~]*$/;

function isSecretPathSegment(keys: KeyClassifier, segment: string): boolean {
  if (!PLAIN_ASCII_SEGMENT.test(segment) || PATH_WORD_STEM.test(segment)) {
    const { joined, starts } = splitKey(segment);
    for (let i = 0; i < starts.length; i++) {
      if (PATH_SECRET_WORDS.has(joined.slice(starts[i], starts[i + 1]))) return true;
    }
  }
  return isSensitiveName(keys, segment);
}

function looksLikeSecretValue(text: string, marker: string): boolean {
  if (text.startsWith(marker)) return false;
  if (text.length >= 20) return true;
  return text.length >= 8 && HAS_DIGIT.test(text) && HAS_LETTER.test(text);
}

function redactPaths(value: string, { marker, keys }: SyntaxContext): string {
  // A pair needs two slashes: most strings with one (a user agent, a date) stop here.
  const slash = value.indexOf('/');
  if (slash === -1 || value.indexOf('/', slash + 2) === -1 || !PATH_KEYWORD.test(value))
    return value;
  let out = '';
  let copied = 0;
  PATH_PAIR.lastIndex = 0;
  for (let match = PATH_PAIR.exec(value); match !== null; match = PATH_PAIR.exec(value)) {
    const segment = match[1];
    const next = match[2];
    const nextStart = match.index + segment.length + 2;
    // Pairs overlap (`/api/keys/<key>`): continue from the second segment.
    PATH_PAIR.lastIndex = nextStart - 1;
    if (nextStart < copied || !looksLikeSecretValue(next, marker)) continue;
    // Classifying a new segment can run the redactor on it (a key's own text is checked), which
    // may use PATH_PAIR again: keep this loop's position.
    const resume = PATH_PAIR.lastIndex;
    const secret = isSecretPathSegment(keys, segment);
    PATH_PAIR.lastIndex = resume;
    if (!secret) continue;
    out += value.slice(copied, nextStart) + marker;
    copied = nextStart + next.length;
    PATH_PAIR.lastIndex = copied;
  }
  return copied === 0 ? value : out + value.slice(copied);
}

/**
 * Redacts secrets in YAML blocks and tagged values, SQL password clauses, command-line options,
 * XML elements with a sensitive name and URL path segments after a sensitive word; `value`
 * itself when none.
 */
export function redactSecretSyntaxes(value: string, context: SyntaxContext): string {
  let out = redactYaml(value, context);
  out = redactSql(out, context.marker);
  out = redactCommandLine(out, context);
  out = redactXml(out, context);
  return redactPaths(out, context);
}
