import fc from 'fast-check';
import { cidrContains, ipv4NetworkRegex, parseCidr } from '../src/rule/cidr';

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
