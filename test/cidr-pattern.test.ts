import fc from 'fast-check';
import { RE2JS } from 're2js';
import { cidrContains, cidrTextRegex, ipv4NetworkRegex, parseCidr } from '../src/rule/cidr';

describe('IPv4 network as an exact text pattern (CIDR on text fields)', () => {
  test('the pattern accepts exactly the addresses of the network', () => {
    const octet = fc.integer({ min: 0, max: 255 });
    fc.assert(
      fc.property(fc.tuple(octet, octet, octet, octet), fc.integer({ min: 0, max: 32 }), fc.tuple(octet, octet, octet, octet), (net, prefix, addr) => {
        const parsed = parseCidr(`${net.join('.')}/${prefix}`);
        if (!parsed) throw new Error('valid network rejected');
        const re = new RegExp(ipv4NetworkRegex(parsed) as string);
        // Half of the addresses share the network's leading octets, so both verdicts are exercised.
        const inside = addr.map((b, i) => (i < Math.floor(prefix / 8) ? (net[i] as number) : b)).join('.');
        for (const text of [addr.join('.'), inside]) expect(re.test(text)).toBe(cidrContains(parsed, text));
      }),
      { numRuns: 2000 },
    );
  });

  test('IPv6 has no pattern', () => {
    expect(ipv4NetworkRegex(parseCidr('fe80::/10') as NonNullable<ReturnType<typeof parseCidr>>)).toBeNull();
  });
});

describe('cidrTextRegex: every text spelling the evaluator reads as an address of the network (SQL targets)', () => {
  const compile = (net: NonNullable<ReturnType<typeof parseCidr>>) => RE2JS.compile(cidrTextRegex(net));
  const group = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff }), fc.constantFrom(0xfe80, 0xfebf, 0xfc00, 0xfd12, 0x2001, 0xdb8, 0xffff, 1));
  const octet = fc.integer({ min: 0, max: 255 });
  /** An IPv6 address in one of its spellings: full, `::` anywhere, IPv4 tail, padded or upper-case hex, zone, spaces. */
  const v6Text = fc
    .tuple(fc.array(group, { minLength: 8, maxLength: 8 }), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 8 }), fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean(), fc.tuple(octet, octet, octet, octet))
    .map(([g, i, len, v4, upper, pad, zone, quad]) => {
      const hex = g.map((x) => (pad ? x.toString(16).padStart(4, '0') : x.toString(16)));
      const width = v4 ? 6 : 8;
      const from = Math.min(i, width);
      const to = Math.min(width, from + len);
      const tail = v4 ? [quad.join('.')] : [];
      let text = to > from ? `${hex.slice(0, from).join(':')}::${[...hex.slice(to, width), ...tail].join(':')}` : [...hex.slice(0, width), ...tail].join(':');
      if (upper) text = text.toUpperCase();
      return (zone ? ` ${text}%eth0` : text) + (pad ? '\u00a0' : '');
    });
  const known = fc.constantFrom('::1', '0:0:0:0:0:0:0:1', '::0:1', '0000::0001', ' ::1%lo ', '::ffff:1.2.3.4', '0::FFFF:0A00:0001', '::ffff:001.002.003.004', 'fe80::', 'FE80:0:0:0::1', 'fc00::1', 'fdff::', '2001:db8::1', '2001:DB8:0:0:0:0:ffff:1', '2001:0db8:ffff::');
  const v4Text = fc.tuple(octet, octet, octet, octet, fc.boolean()).map(([a, b, c, d, pad]) => [a, b, c, d].map((o) => (pad ? String(o).padStart(3, '0') : String(o))).join('.'));

  test.each(['::1/128', 'fe80::/10', 'fc00::/7', '2001:db8::/32', '::/0', '::ffff:0:0/96', 'fe80::/64'])('%s', (network) => {
    const net = parseCidr(network);
    if (!net) throw new Error('valid network rejected');
    const re = compile(net);
    let inside = 0;
    fc.assert(
      fc.property(fc.oneof(v6Text, v4Text, fc.string(), known), (text) => {
        const expected = cidrContains(net, text);
        if (expected) inside++;
        expect(re.test(text)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
    expect(inside).toBeGreaterThan(0);
  });

  test.each(['10.0.0.0/8', '192.168.1.0/25', '127.0.0.1', '0.0.0.0/0', '172.16.0.0/12'])('%s', (network) => {
    const net = parseCidr(network);
    if (!net) throw new Error('valid network rejected');
    const re = compile(net);
    fc.assert(
      fc.property(fc.oneof(v4Text, v4Text.map((t) => ` ${t}\n`), v6Text, fc.string()), (text) => expect(re.test(text)).toBe(cidrContains(net, text))),
      { numRuns: 3000 },
    );
  });
});
