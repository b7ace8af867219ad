import { canonicalClientAddress, ipv6Network } from './client-address.ts';
import { BRUTE_FORCE_KEY_TYPES } from './names.ts';
import type { BruteForceKeyType } from './types.ts';
import { normalizeUserName } from './user-name.ts';

/** Longer keys are cut to this many UTF-16 code units (bounding memory per key). */
export const MAX_KEY_LENGTH = 256;

const KEY_TYPES: ReadonlySet<string> = new Set(BRUTE_FORCE_KEY_TYPES);

/** Whether `value` is one of the brute-force key types (`BRUTE_FORCE_KEY_TYPES`). */
export function isBruteForceKeyType(value: unknown): value is BruteForceKeyType {
  return typeof value === 'string' && KEY_TYPES.has(value);
}

/**
 * The key failures of `keyType` are counted under: addresses canonical, user names folded,
 * account ids as given (ids are the application's own, exact values); `undefined` for what
 * cannot be a key (not a string or number, empty). For `client.network` the raw value is an
 * address, counted under its IPv6 network (IPv4 addresses and host names have none).
 */
export function failureKey(
  keyType: BruteForceKeyType,
  raw: unknown,
  ipv6PrefixLength: number,
): string | undefined {
  let s: string;
  if (typeof raw === 'string') s = raw;
  else if (typeof raw === 'number' || typeof raw === 'bigint') s = String(raw);
  else return undefined;
  let key: string | undefined;
  switch (keyType) {
    case 'client.address':
      key = canonicalClientAddress(s);
      break;
    case 'client.network': {
      const address = canonicalClientAddress(s);
      key = address === undefined ? undefined : ipv6Network(address, ipv6PrefixLength);
      break;
    }
    case 'user.name':
      key = normalizeUserName(s);
      break;
    default:
      key = s;
  }
  return key === undefined || key === '' ? undefined : cutKey(key);
}

function cutKey(key: string): string {
  if (key.length <= MAX_KEY_LENGTH) return key;
  let end = MAX_KEY_LENGTH;
  // Never keep half of a surrogate pair.
  const last = key.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  // A plain slice can keep the whole long string alive behind the short one; join copies.
  return Array.from(key.slice(0, end)).join('');
}
