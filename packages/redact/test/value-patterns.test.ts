import { createRedactor, passesLuhn } from '@threadline/redact';
import type { BuiltInPatternName } from '@threadline/redact';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const R = '[REDACTED]';

/** `body` followed by the digit that makes it pass the Luhn check. */
function withCheckDigit(body: string): string {
  for (let d = 0; d <= 9; d++) if (passesLuhn(body + d)) return body + d;
  throw new Error('unreachable');
}
const redactor = createRedactor();
const redact = (s: string): string => redactor.redactString(s);

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

describe('JWTs', () => {
  it('redacts a JWT anywhere in a string', () => {
    expect(redact(`token ${JWT} expired`)).toBe(`token ${R} expired`);
    expect(redact(`[${JWT}]`)).toBe(`[${R}]`);
    expect(redact(`${JWT}.`)).toBe(`${R}.`);
  });

  it('redacts unsigned and five-segment (JWE) tokens', () => {
    expect(redact('eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.')).toBe(R);
    expect(
      redact(
        'eyJhbGciOiJSU0EtT0FFUCJ9.OKOawDo13gRp2ojaHV7LFpZcgV7T6DVZKTyKOMTYUmKoTCVJRgckCL9kiMT03JGe.48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6ji.XFBoMYUZodetZdvTiFvSkQ',
      ),
    ).toBe(R);
  });

  it('leaves base64 that is not a JWT', () => {
    expect(redact('eyJhbGciOiJIUzI1NiJ9 only a header')).toBe('eyJhbGciOiJIUzI1NiJ9 only a header');
    expect(redact('prefixeyJabc.def.ghi')).toBe('prefixeyJabc.def.ghi');
    expect(redact('file eyJhbGciOiJIUzI1NiJ9.json')).toBe('file eyJhbGciOiJIUzI1NiJ9.json');
  });

  it('redacts a JWT glued to other text', () => {
    expect(redact(`AKIAIOSFODNN7EXAMPLE${JWT}`)).toBe(`${R}${R}`);
    expect(redact(`id=x${JWT}`)).toBe(`id=x${R}`);
  });
});

describe('Authorization credentials', () => {
  it('redacts bearer tokens and keeps the scheme', () => {
    expect(redact('Bearer abc123def456ghi789')).toBe(`Bearer ${R}`);
    expect(redact('sent bearer 9f8e7d6c5b4a')).toBe(`sent bearer ${R}`);
    expect(redact('Bearer mF_9.B5f-4.1JqM')).toBe(`Bearer ${R}`);
  });

  it('redacts Basic credentials that decode to user:password', () => {
    const basic = Buffer.from('admin:s3cret!').toString('base64');
    expect(redact(`Basic ${basic}`)).toBe(`Basic ${R}`);
  });

  it('leaves prose after the scheme words', () => {
    for (const text of [
      'Bearer authentication failed',
      'Bearer token missing',
      'Basic auth is disabled',
      'basic plan selected',
      'Bearer abc',
    ]) {
      expect(redact(text)).toBe(text);
    }
  });
});

describe('payment cards', () => {
  it.each([
    ['4111111111111111', 'Visa'],
    ['4222222222222', 'Visa 13'],
    ['4000000000000002', 'Visa (README example)'],
    ['5555555555554444', 'Mastercard'],
    ['2223003122003222', 'Mastercard 2-series'],
    ['378282246310005', 'Amex'],
    ['6011111111111117', 'Discover'],
    ['3530111333300000', 'JCB'],
    ['36227206271667', 'Diners'],
    ['6200000000000005', 'UnionPay'],
    ['4000000000000000006', 'Visa 19'],
  ])('redacts %s (%s) contiguous, spaced and dashed', (digits) => {
    expect(passesLuhn(digits)).toBe(true);
    const grouped =
      digits.length === 15
        ? (sep: string) =>
            `${digits.slice(0, 4)}${sep}${digits.slice(4, 10)}${sep}${digits.slice(10)}`
        : (sep: string) => digits.replace(/(\d{4})(?=\d)/g, `$1${sep}`);
    for (const form of [digits, grouped(' '), grouped('-')]) {
      expect(redact(`card ${form} declined`)).toBe(`card ${R} declined`);
      expect(redact(`card:${form}.`)).toBe(`card:${R}.`);
    }
  });

  it('leaves digit runs that fail the Luhn check', () => {
    for (const text of [
      '4111111111111112',
      '4111 1111 1111 1112',
      '5555-5555-5555-4445',
      '378282246310006',
    ]) {
      expect(passesLuhn(text.replace(/\D/g, ''))).toBe(false);
      expect(redact(`ref ${text}`)).toBe(`ref ${text}`);
    }
  });

  it('leaves Luhn-valid numbers that no card network issues', () => {
    // Epoch milliseconds and nanoseconds start with 1; 7, 8, 9 and 0 are not major networks.
    const bodies = [
      '171800000000',
      '171800000000000000',
      '799273987130000',
      '000000000000000',
      '522222222222',
    ];
    for (const digits of bodies.map(withCheckDigit)) {
      expect(passesLuhn(digits)).toBe(true);
      expect(redact(`at ${digits}`)).toBe(`at ${digits}`);
    }
  });

  it('leaves card-length runs inside longer numbers, identifiers and decimals', () => {
    for (const text of [
      '41111111111111110000',
      'a4111111111111111',
      '4111111111111111b',
      '4111111111111111.25',
      'v1.4111111111111111',
    ]) {
      expect(redact(text)).toBe(text);
    }
  });

  it('does not read the hex digits of a percent escape as the start of a card number', () => {
    // `%22` + 16 digits is 18 digits that pass the Luhn check by chance; the digits after the
    // quote are a non-card number (seen in the look-alike corpus, in a URL query).
    const lookAlike = 'ref=lookup%20of%20%223528173638595757%22%20returned%203%20rows';
    expect(redact(lookAlike)).toBe(lookAlike);
    // A card inside percent-encoded text is still found, in the decoded text.
    expect(redact('note=card%20%224111111111111111%22')).not.toContain('4111111111111111');
    expect(redact('card%3D4111111111111111')).not.toContain('4111111111111111');
  });

  it('redacts a grouped card followed by more digits (an expiry date, a CVV)', () => {
    expect(redact('4111 1111 1111 1111 12/27 737')).toBe(`${R} 12/27 737`);
  });
});

describe('AWS credentials', () => {
  it('redacts access key ids', () => {
    expect(redact('key AKIAIOSFODNN7EXAMPLE used')).toBe(`key ${R} used`);
    expect(redact('ASIAY34FZKBOKMUTVV7A')).toBe(R);
  });

  it('leaves ids that are too short, too long or inside words', () => {
    for (const text of ['AKIAIOSFODNN7EXAMPL', 'AKIAIOSFODNN7EXAMPLEX', 'XAKIAIOSFODNN7EXAMPLE']) {
      expect(redact(text)).toBe(text);
    }
  });

  it('redacts secret access keys by their name', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    expect(redact(`aws_secret_access_key=${secret}`)).toBe(`aws_secret_access_key=${R}`);
    expect(redact(`aws_secret_access_key = ${secret}\nregion = eu-west-1`)).toBe(
      `aws_secret_access_key = ${R}\nregion = eu-west-1`,
    );
    expect(redact(`AWS_SECRET_ACCESS_KEY: ${secret}`)).toBe(`AWS_SECRET_ACCESS_KEY: ${R}`);
  });
});

describe('PEM private keys', () => {
  const body = 'MIIEowIBAAKCAQEAx4Ue+1\nbase64linebase64line\nQzNkSvA==';
  it.each([
    'RSA PRIVATE KEY',
    'PRIVATE KEY',
    'EC PRIVATE KEY',
    'OPENSSH PRIVATE KEY',
    'ENCRYPTED PRIVATE KEY',
    'PGP PRIVATE KEY BLOCK',
  ])('redacts a %s block and keeps its label', (label) => {
    const block = `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----`;
    expect(redact(`key:\n${block}\nend`)).toBe(
      `key:\n-----BEGIN ${label}-----${R}-----END ${label}-----\nend`,
    );
  });

  it('redacts to the end of the string when the END line is missing', () => {
    expect(redact(`-----BEGIN PRIVATE KEY-----\n${body}`)).toBe(
      `-----BEGIN PRIVATE KEY-----${R}-----END PRIVATE KEY-----`,
    );
  });

  it('redacts a block written with escaped newlines (JSON)', () => {
    const escaped = `{"key":"-----BEGIN PRIVATE KEY-----\\nMIIEabc\\n-----END PRIVATE KEY-----"}`;
    expect(redact(escaped)).not.toContain('MIIEabc');
  });

  it('leaves public keys and certificates', () => {
    const cert = '-----BEGIN CERTIFICATE-----\nMIIBabc\n-----END CERTIFICATE-----';
    expect(redact(cert)).toBe(cert);
  });
});

describe('credentials in URLs', () => {
  it('removes the password and keeps the user', () => {
    expect(redact('postgres://app:s3cr3t@db:5432/orders')).toBe(
      `postgres://app:${R}@db:5432/orders`,
    );
    expect(redact('redis://:hunter2@cache:6379')).toBe(`redis://:${R}@cache:6379`);
    expect(redact('mongodb+srv://u:p%40ss@cluster0.example.net/db')).toBe(
      `mongodb+srv://u:${R}@cluster0.example.net/db`,
    );
    expect(redact('https://u:p@ss@host.example/x')).toBe(`https://u:${R}@host.example/x`);
  });

  it('removes a token used as the user name', () => {
    expect(redact('https://ghp_16C7e42F292c6912E7710c838347Ae178B4a@github.com/org/repo.git')).toBe(
      `https://${R}@github.com/org/repo.git`,
    );
    expect(redact('https://deploy@github.com/org/repo.git')).toBe(
      'https://deploy@github.com/org/repo.git',
    );
  });

  it('removes sensitive query parameters and keeps the rest', () => {
    expect(redact('https://api.example.com/v1?token=abc123&page=2&api_key=XYZ&Password=p')).toBe(
      `https://api.example.com/v1?token=${R}&page=2&api_key=${R}&Password=${R}`,
    );
    // `code` in a URL parameter is OAuth's authorization code (url-params.ts); `state` stays.
    expect(redact('/cb?code=1&access_token=ya29.a0Af&state=s')).toBe(
      `/cb?code=${R}&access_token=${R}&state=s`,
    );
    expect(
      redact('https://bucket.s3.amazonaws.com/k?X-Amz-Credential=AK%2F2024&X-Amz-Signature=ab12cd'),
    ).toBe(`https://bucket.s3.amazonaws.com/k?X-Amz-Credential=${R}&X-Amz-Signature=${R}`);
    expect(redact('sig=abcdef0123&sp=r')).toBe(`sig=${R}&sp=r`);
  });

  it('leaves URLs without credentials', () => {
    for (const url of [
      'https://shop.example.com/orders/ord_12345?page=2&sort=desc',
      'http://localhost:8080/health',
      'mailto:bob@example.com',
      'http://[::1]:3000/',
    ]) {
      expect(redact(url)).toBe(url);
    }
  });
});

describe('name=value secrets in text', () => {
  it.each([
    ['password=hunter2 next', `password=${R} next`],
    ['--db-password=hunter2 --port 5432', `--db-password=${R} --port 5432`],
    ['PASSWORD: hunter2', `PASSWORD: ${R}`],
    ['{"user":"bob","password":"p@ss word","n":1}', `{"user":"bob","password":"${R}","n":1}`],
    ["{'apiKey': 'k-123'}", `{'apiKey': '${R}'}`],
    ['{\\"client_secret\\":\\"zz9\\"}', `{\\"client_secret\\":\\"${R}\\"}`],
    ['user[password]=abc&x=1', `user[password]=${R}&x=1`],
    ['Authorization: Bearer ab12', `Authorization: Bearer ${R}`],
    ['Authorization: Digest username="bob", response="6629fae4"', `Authorization: Digest ${R}`],
    ['Cookie: theme=dark; sid=9f8e7d\nHost: x', `Cookie: ${R}\nHost: x`],
    ['pin=1234', `pin=${R}`],
    // A bracketed value is taken whole: a JSON array or object under a sensitive name (its
    // items passed before), and inspect's `[Getter]` (which left `[REDACTED]]`).
    ['{"password":["hunter2","x2"],"n":1}', `{"password":${R},"n":1}`],
    ['{"password":{"value":"hunter2"},"n":1}', `{"password":${R},"n":1}`],
    ['{\\"password\\":[\\"hunter2\\"]}', `{\\"password\\":${R}}`],
    ['"password":["hun]ter2"] tail', `"password":${R} tail`],
    ["{ password: [Getter], user: 'bob' }", `{ password: ${R}, user: 'bob' }`],
    ['password: [unclosed hunter2, x\nnext', `password: ${R}\nnext`],
    [
      "UPDATE users SET password = 'x1' WHERE id = 3",
      `UPDATE users SET password = '${R}' WHERE id = 3`,
    ],
  ])('%s', (input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it('leaves names that are not sensitive, and empty or harmless values', () => {
    for (const text of [
      'user=bob status=ok',
      'tokens: 1500 tokenCount=3',
      'password=',
      '"password":""',
      '"password":null',
      'password: true',
      'at 10:30:00',
      'fe80::1',
      'Error: connection refused',
    ]) {
      expect(redact(text)).toBe(text);
    }
  });
});

describe('options', () => {
  it('uses the configured replacement', () => {
    const r = createRedactor({ replacement: '***' });
    expect(r.redactString('password=x1 Bearer abc123def456')).toBe('password=*** Bearer ***');
    expect(r.redactValue({ password: 'x' })).toEqual({ password: '***' });
    expect(r.replacement).toBe('***');
  });

  it('treats $ in the replacement literally', () => {
    expect(createRedactor({ replacement: '$&$1' }).redactString('key AKIAIOSFODNN7EXAMPLE')).toBe(
      'key $&$1',
    );
  });

  const examples: Record<BuiltInPatternName, string> = {
    privateKey: '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----',
    jwt: JWT,
    credentialFormats: 'deploy with ghp_0123456789abcdefghijABCDEFGHIJ0aBcDe',
    authorizationCredentials: 'Bearer abc123def456ghi',
    urlCredentials: 'postgres://app:s3cr3t@db/x',
    sensitiveParameters: 'password=hunter2',
    secretSyntaxes: "ALTER USER app PASSWORD 'h4x0r99x'",
    awsAccessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    cardNumber: '4111111111111111',
  };

  it.each(Object.keys(examples) as BuiltInPatternName[])('can disable %s on its own', (name) => {
    expect(redactor.redactString(examples[name])).not.toBe(examples[name]);
    const without = createRedactor({ disablePatterns: [name] });
    expect(without.redactString(examples[name])).toBe(examples[name]);
    for (const [other, example] of Object.entries(examples)) {
      if (other !== name) expect(without.redactString(example), other).not.toBe(example);
    }
  });

  it('applies extra patterns everywhere strings are', () => {
    const r = createRedactor({ extraPatterns: [/\bemp-\d{6}\b/i, /sk_live_\w+/g] });
    expect(r.redactString('employee EMP-123456 paid with sk_live_abc')).toBe(
      `employee ${R} paid with ${R}`,
    );
    expect(r.redactValue({ note: ['emp-000001'] })).toEqual({ note: [R] });
    expect(r.redactString('ok')).toBe('ok');
  });

  it('rejects invalid options at construction', () => {
    const bad: unknown[] = [
      null,
      'x',
      { extraKeys: 'password' },
      { extraKeys: [1] },
      { allowKeys: [null] },
      { extraPatterns: ['x'] },
      { extraPatterns: [/a*/] },
      { disablePatterns: ['nope'] },
      { replacement: '' },
      { replacement: 1 },
      { maxDepth: 0 },
      { maxDepth: 101 },
      { maxDepth: 2.5 },
    ];
    for (const options of bad) {
      expect(() => createRedactor(options as never), JSON.stringify(options)).toThrow(TypeError);
    }
  });
});

describe('properties', () => {
  it('is idempotent: redacting redacted text changes nothing', () => {
    const pieces = fc.constantFrom(
      'password=hunter2',
      ' ',
      '&',
      ':',
      '=',
      '"',
      JWT,
      'Bearer abc123def456',
      '4111 1111 1111 1111',
      'https://u:p@h/x?token=t1',
      'AKIAIOSFODNN7EXAMPLE',
      '-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----',
      'Cookie: a=1',
      '{"secret":"s"}',
      '[REDACTED]',
      'plain words',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(pieces, fc.string()), { maxLength: 12 }), (parts) => {
        const once = redact(parts.join(''));
        expect(redact(once)).toBe(once);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws and returns strings for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        expect(typeof redact(s)).toBe('string');
      }),
      { numRuns: 1000 },
    );
  });
});
