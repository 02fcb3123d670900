export interface CidrNetwork {
  readonly family: 4 | 6;
  readonly canonical: string; // address/prefix, as written but with the prefix made explicit
  /** The network's first address as bytes (4 or 16), for evaluation and range rendering. */
  readonly bytes: readonly number[];
  readonly prefix: number;
}

export function parseIPv4(text: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  const bytes = m.slice(1).map(Number);
  return bytes.every((b) => b <= 255) ? bytes : null;
}

export function parseIPv6(text: string): number[] | null {
  let s = text.toLowerCase();
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  let tail: number[] = [];
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.') && lastColon >= 0) {
    const v4 = parseIPv4(s.slice(lastColon + 1));
    if (!v4) return null;
    tail = v4;
    s = s.slice(0, lastColon + 1) + '0:0';
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const parse = (h: string): number[] | null => {
    if (h === '') return [];
    const groups = h.split(':');
    const out: number[] = [];
    for (const g of groups) {
      if (!/^[0-9a-f]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parse(halves[0] as string);
  const rest = halves.length === 2 ? parse(halves[1] as string) : [];
  if (!head || !rest) return null;
  const missing = 8 - head.length - rest.length;
  if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) return null;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...rest];
  const bytes = groups.flatMap((g) => [g >> 8, g & 0xff]);
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

/** Parses `10.0.0.0/8`, `fe80::/10` or a bare address (a /32 or /128 network). */
export function parseCidr(text: string): CidrNetwork | null {
  const trimmed = text.trim();
  const slash = trimmed.indexOf('/');
  const addr = slash >= 0 ? trimmed.slice(0, slash) : trimmed;
  const prefixText = slash >= 0 ? trimmed.slice(slash + 1) : null;
  const v4 = parseIPv4(addr);
  const bytes = v4 ?? parseIPv6(addr);
  if (!bytes) return null;
  const family = v4 ? 4 : 6;
  const max = family === 4 ? 32 : 128;
  if (prefixText !== null && !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = prefixText === null ? max : Number(prefixText);
  if (prefix > max) return null;
  const network = bytes.map((b, i) => {
    const bitsLeft = prefix - i * 8;
    if (bitsLeft >= 8) return b;
    if (bitsLeft <= 0) return 0;
    return b & (0xff << (8 - bitsLeft)) & 0xff;
  });
  return { family, canonical: `${addr.toLowerCase()}/${prefix}`, bytes: network, prefix };
}

/** True when the address (text) lies in the network. */
export function cidrContains(net: CidrNetwork, address: string): boolean {
  const bytes = net.family === 4 ? parseIPv4(address.trim()) : parseIPv6(address.trim());
  if (!bytes) return false;
  for (let bit = 0; bit < net.prefix; bit++) {
    const i = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    if (((bytes[i] as number) & mask) !== ((net.bytes[i] as number) & mask)) return false;
  }
  return true;
}

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])';

/**
 * An anchored regular expression (basic Sigma flavour) matching exactly the dotted-quad IPv4
 * addresses of a network, for stores that keep addresses as text where a CIDR function needs an
 * IP-typed field. Null for IPv6 (its compressed spellings have no simple exact pattern).
 */
export function ipv4NetworkRegex(net: CidrNetwork): string | null {
  if (net.family !== 4) return null;
  const parts: string[] = [];
  for (let i = 0; i < 4; i++) {
    const bits = Math.max(0, Math.min(8, net.prefix - i * 8));
    const base = net.bytes[i] as number;
    if (bits === 8) parts.push(String(base));
    else if (bits === 0) parts.push(OCTET);
    else {
      const size = 1 << (8 - bits);
      const values = Array.from({ length: size }, (_, k) => String(base + k));
      parts.push(`(${values.join('|')})`);
    }
  }
  return `^${parts.join('\\.')}$`;
}
