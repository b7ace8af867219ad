import { SocketAddress, isIP } from 'node:net';

// One address has many spellings (`2001:DB8:0:0::1`, `2001:db8::1`, `[2001:db8::1]:443`,
// `::ffff:192.0.2.1` for `192.0.2.1` on a dual-stack socket); an attacker who can choose the
// spelling must not get a fresh counter for each. Everything is reduced to one canonical text:
// IPv4 dotted decimal, IPv6 as RFC 5952 (compressed, lower case, no zone), v4-mapped unmapped.

/** Longer raw values are not addresses; cut before parsing so hostile input costs little. */
const MAX_RAW_LENGTH = 1024;
const BRACKETED = /^\[([^\]]+)\](?::\d{1,5})?$/;
const IPV4_WITH_PORT = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/;

/**
 * The canonical text of a client address: IPv4 as dotted decimal, IPv6 compressed and lower
 * case without zone, an IPv4-mapped IPv6 address as its IPv4 address; brackets and a port are
 * removed. Anything that is not an IP address (a host name) is trimmed and lower-cased.
 * `undefined` for an empty value.
 */
export function canonicalClientAddress(raw: string): string | undefined {
  let s = raw.length > MAX_RAW_LENGTH ? raw.slice(0, MAX_RAW_LENGTH) : raw;
  s = s.trim();
  if (s === '') return undefined;
  const bracketed = BRACKETED.exec(s);
  if (bracketed !== null) s = bracketed[1];
  else {
    const withPort = IPV4_WITH_PORT.exec(s);
    if (withPort !== null) s = withPort[1];
  }
  const family = isIP(s);
  if (family === 4) return s;
  const percent = s.indexOf('%');
  const unzoned = percent > 0 ? s.slice(0, percent) : s;
  if (family === 6 || isIP(unzoned) === 6) {
    const canonical = canonicalIPv6(unzoned);
    if (canonical !== undefined) return canonical;
  }
  return s.toLowerCase();
}

/**
 * The network of a canonical IPv6 address as `<address>/<prefixLength>` (e.g.
 * `2001:db8:1:2::/64`), or `undefined` for anything else (IPv4, host names) and for a prefix
 * of 128 (the address itself).
 */
export function ipv6Network(canonicalAddress: string, prefixLength: number): string | undefined {
  if (prefixLength >= 128 || !canonicalAddress.includes(':')) return undefined;
  const groups = ipv6Groups(canonicalAddress);
  if (groups === undefined) return undefined;
  for (let i = 0; i < 8; i++) {
    const keep = Math.min(16, Math.max(0, prefixLength - i * 16));
    groups[i] &= keep === 0 ? 0 : (0xffff << (16 - keep)) & 0xffff;
  }
  const network = formatIPv6(groups);
  return network === undefined ? undefined : `${network}/${prefixLength}`;
}

function canonicalIPv6(address: string): string | undefined {
  const formatted = formatIPv6Text(address);
  if (formatted === undefined) return undefined;
  const groups = ipv6Groups(formatted);
  if (groups === undefined) return formatted;
  // ::ffff:0:0/96: an IPv4 client seen through a dual-stack socket.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `${groups[6] >> 8}.${groups[6] & 255}.${groups[7] >> 8}.${groups[7] & 255}`;
  }
  return formatted;
}

// The platform's inet_pton/inet_ntop give RFC 5952 text; no hand-written compression.
function formatIPv6Text(address: string): string | undefined {
  try {
    return new SocketAddress({ address, family: 'ipv6' }).address;
  } catch {
    return undefined;
  }
}

function formatIPv6(groups: readonly number[]): string | undefined {
  return formatIPv6Text(groups.map((g) => g.toString(16)).join(':'));
}

/** The eight 16-bit groups of a valid IPv6 text (as inet_ntop writes it). */
function ipv6Groups(text: string): number[] | undefined {
  let s = text;
  // An embedded IPv4 tail (`::ffff:192.0.2.1`, `::192.0.2.1`) is the last two groups.
  const lastColon = s.lastIndexOf(':');
  const last = s.slice(lastColon + 1);
  if (last.includes('.')) {
    if (isIP(last) !== 4) return undefined;
    const [a, b, c, d] = last.split('.').map(Number);
    s = `${s.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parse(halves[0]);
  const rest = halves.length === 2 ? parse(halves[1]) : [];
  if (head === undefined || rest === undefined) return undefined;
  const explicit = head.length + rest.length;
  if (halves.length === 1 ? explicit !== 8 : explicit > 7) return undefined;
  return [...head, ...Array<number>(8 - explicit).fill(0), ...rest];
}
