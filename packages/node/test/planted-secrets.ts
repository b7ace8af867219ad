import { randomBytes, randomInt, randomUUID } from 'node:crypto';

/** Secrets of several shapes, new for every run so no test passes by a fixed string. */
export interface PlantedSecrets {
  /** A password: no shape, caught only by its key. */
  readonly password: string;
  /** An opaque token (random base64url): no shape either. */
  readonly opaque: string;
  /** `Bearer <token>`. */
  readonly bearer: string;
  /** A Luhn-valid card number. */
  readonly card: string;
  /** A JSON Web Token. */
  readonly jwt: string;
}

/** Values that look secret-ish but are not, and must come out unchanged. */
export interface LookAlikes {
  readonly uuid: string;
  readonly order: string;
  readonly traceId: string;
}

function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) d *= 2;
    sum += d > 9 ? d - 9 : d;
  }
  return (10 - (sum % 10)) % 10;
}

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

export function plantSecrets(): PlantedSecrets {
  let card = '4';
  for (let i = 0; i < 14; i++) card += String(randomInt(10));
  card += String(luhnCheckDigit(card));
  const jwt = [
    base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' })),
    base64url(JSON.stringify({ sub: `user-${randomInt(1e9)}`, iat: randomInt(1e9) })),
    randomBytes(32).toString('base64url'),
  ].join('.');
  return {
    password: `pw-${randomBytes(6).toString('hex')}-Horse${randomInt(1000)}`,
    opaque: randomBytes(18).toString('base64url'),
    bearer: `Bearer ${randomBytes(24).toString('base64url')}`,
    card,
    jwt,
  };
}

export function lookAlikes(): LookAlikes {
  return {
    uuid: randomUUID(),
    order: `ord_${randomInt(1e7, 1e8)}`,
    traceId: randomBytes(16).toString('hex'),
  };
}

/** The substrings whose presence means a secret got out (a token without its scheme, etc.). */
export function secretNeedles(s: PlantedSecrets): { name: string; needle: string }[] {
  const [, payload, signature] = s.jwt.split('.');
  return [
    { name: 'password', needle: s.password },
    { name: 'opaque token', needle: s.opaque },
    { name: 'bearer token', needle: s.bearer.slice('Bearer '.length) },
    { name: 'card number', needle: s.card },
    { name: 'JWT payload', needle: payload },
    { name: 'JWT signature', needle: signature },
  ];
}

/** The planted secrets found in `text`, by name (empty when clean). */
export function leakedIn(text: string, s: PlantedSecrets): string[] {
  return secretNeedles(s)
    .filter(({ needle }) => text.includes(needle))
    .map(({ name }) => name);
}
