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

/** What JavaScript's trim() removes (its \s): the evaluator trims an address before parsing it. */
const JS_SPACE = '[\\t\\n\\x0B\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}]';

/** Decimal octet 0-255 as parseIPv4 reads it: 1 to 3 digits, leading zeros allowed. */
function octetRegex(base: number, freeBits: number): string {
  if (freeBits === 8) return '(0{0,2}[0-9]|0?[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])';
  const values = Array.from({ length: 1 << freeBits }, (_, k) => String(base + k));
  const alts = values.map((v) => (v.length < 3 ? `0{0,${3 - v.length}}${v}` : v));
  return alts.length === 1 ? (alts[0] as string) : `(${alts.join('|')})`;
}

/** The hex digits (as a class body) allowed at digit d (0 = most significant) of a 16-bit group. */
function hexDigitSet(value: number, fixedBits: number, d: number): string[] {
  const shift = 12 - 4 * d;
  const fixedHere = Math.max(0, Math.min(4, fixedBits - 4 * d));
  const digit = (value >> shift) & 0xf;
  const mask = (0xf << (4 - fixedHere)) & 0xf;
  const out: string[] = [];
  for (let x = 0; x < 16; x++) if ((x & mask) === (digit & mask)) out.push(x.toString(16));
  return out;
}

function charClass(digits: readonly string[]): string {
  if (digits.length === 16) return '[0-9a-f]';
  return digits.length === 1 ? (digits[0] as string) : `[${digits.join('')}]`;
}

/**
 * One 16-bit group as parseIPv6 reads it (1 to 4 hex digits), whose first `fixedBits` bits equal those of
 * `value`; null when no spelling exists. A shorter spelling leaves out leading digits, which must then be 0.
 */
function groupRegex(value: number, fixedBits: number): string | null {
  if (fixedBits === 0) return '[0-9a-f]{1,4}';
  const sets = [0, 1, 2, 3].map((d) => hexDigitSet(value, fixedBits, d));
  const alts: string[] = [];
  for (let len = 4; len >= 1; len--) {
    const dropped = sets.slice(0, 4 - len);
    if (!dropped.every((s) => s.includes('0'))) continue;
    alts.push(sets.slice(4 - len).map(charClass).join(''));
  }
  if (!alts.length) return null;
  return alts.length === 1 ? (alts[0] as string) : `(${alts.join('|')})`;
}

/** Whether group i of an address in the network may be 0 (a `::` may stand for it). */
function groupMayBeZero(net: CidrNetwork, i: number): boolean {
  const value = ((net.bytes[2 * i] as number) << 8) | (net.bytes[2 * i + 1] as number);
  const fixed = Math.max(0, Math.min(16, net.prefix - 16 * i));
  return fixed === 0 || (value >> (16 - fixed)) === 0;
}

/**
 * An unanchored-safe regular expression (RE2 syntax, `(?is)` and anchors included) matching exactly the texts
 * cidrContains accepts for this network: what parseIPv4 / parseIPv6 read after trim() — leading zeros, IPv6
 * `::` compression at any place, an embedded IPv4 tail, upper-case hex digits and a `%zone`. For stores that
 * keep addresses as text and have a regex engine but no address functions (the SQL targets).
 */
export function cidrTextRegex(net: CidrNetwork): string {
  if (net.family === 4) {
    const octets = [0, 1, 2, 3].map((i) => octetRegex(net.bytes[i] as number, 8 - Math.max(0, Math.min(8, net.prefix - i * 8))));
    return `(?s)^${JS_SPACE}*${octets.join('\\.')}${JS_SPACE}*$`;
  }
  const group = (i: number): string | null => {
    const value = ((net.bytes[2 * i] as number) << 8) | (net.bytes[2 * i + 1] as number);
    return groupRegex(value, Math.max(0, Math.min(16, net.prefix - 16 * i)));
  };
  const v4Tail = (): string =>
    [12, 13, 14, 15].map((b) => octetRegex(net.bytes[b] as number, 8 - Math.max(0, Math.min(8, net.prefix - b * 8)))).join('\\.');
  const groups = [0, 1, 2, 3, 4, 5, 6, 7].map(group);
  const seq = (from: number, to: number): string | null => {
    const parts = groups.slice(from, to);
    return parts.every((p): p is string => p !== null) ? parts.join(':') : null;
  };
  const forms: string[] = [];
  // Eight groups, or six and an IPv4 tail.
  const full = seq(0, 8);
  if (full !== null) forms.push(full);
  const six = seq(0, 6);
  if (six !== null) forms.push(`${six}:${v4Tail()}`);
  // `::` for a run of at least one zero group: h groups before it, t after (the IPv4 tail counts as two).
  for (const tail of [false, true]) {
    const width = tail ? 6 : 8; // hex groups before the tail
    for (let h = 0; h < width; h++) {
      for (let t = 0; h + t < width; t++) {
        let ok = true;
        for (let i = h; i < width - t; i++) if (!groupMayBeZero(net, i)) ok = false;
        const head = seq(0, h);
        const rest = seq(width - t, width);
        if (!ok || head === null || rest === null) continue;
        const after = [t > 0 ? rest : '', tail ? v4Tail() : ''].filter((x) => x !== '').join(':');
        forms.push(`${head}::${after}`);
      }
    }
  }
  return `(?is)^${JS_SPACE}*(${forms.join('|')})(%.*)?${JS_SPACE}*$`;
}
