import { evaluateExpr, compileExpr } from '../../src/evaluate/evaluate-expr';
import { createEventAccessor } from '../../src/evaluate/event-accessor';
import { plainSigmaString } from '../../src/rule/sigma-string';
import { matches, rule, tester, verdicts } from './helpers';

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

describe('string matching', () => {
  it('is case-insensitive by default and exact with cased', () => {
    const r = rule(`    sel:\n        Image: 'C:\\Windows\\cmd.exe'\n    condition: sel`);
    expect(verdicts(r, [{ Image: 'c:\\windows\\CMD.EXE' }, { Image: 'C:\\Windows\\cmd.exe2' }])).toEqual([true, false]);
    const c = rule(`    sel:\n        Image|cased: 'C:\\Windows\\cmd.exe'\n    condition: sel`);
    expect(verdicts(c, [{ Image: 'c:\\windows\\CMD.EXE' }, { Image: 'C:\\Windows\\cmd.exe' }])).toEqual([false, true]);
  });

  it('treats * and ? as wildcards and \\* \\? as literals', () => {
    const r = rule(`    sel:\n        CommandLine: 'a*b?c'\n    condition: sel`);
    expect(verdicts(r, [{ CommandLine: 'aXXXbYc' }, { CommandLine: 'abYc' }, { CommandLine: 'abc' }, { CommandLine: 'xaXbYc' }])).toEqual([true, true, false, false]);
    const lit = rule(`    sel:\n        CommandLine: 'a\\*b\\?'\n    condition: sel`);
    expect(verdicts(lit, [{ CommandLine: 'a*b?' }, { CommandLine: 'aXbY' }])).toEqual([true, false]);
    const mid = rule(`    sel:\n        CommandLine: '*x*y*x*'\n    condition: sel`);
    expect(verdicts(mid, [{ CommandLine: 'xyx' }, { CommandLine: '..x..y..' }, { CommandLine: 'yxyx' }])).toEqual([true, false, true]);
  });

  it('contains, startswith, endswith and all', () => {
    const r = rule(`    a:\n        CommandLine|contains|all: ['-w ', 'tcpdump']\n    b:\n        Image|startswith: '/usr/'\n    c:\n        Image|endswith: '/tcpdump'\n    condition: a and b and c`);
    expect(verdicts(r, [
      { Image: '/usr/sbin/TCPDUMP', CommandLine: 'TCPDUMP -w x' },
      { Image: '/usr/sbin/tcpdump', CommandLine: 'tcpdump -i any' },
      { Image: '/opt/tcpdump', CommandLine: 'tcpdump -w x' },
    ])).toEqual([true, false, false]);
  });

  it('a missing or null field never matches a value, and not is plain negation', () => {
    const r = rule(`    sel:\n        Image|contains: 'x'\n    condition: sel`);
    expect(verdicts(r, [{}, { Image: null }, { Image: { nested: 'x' } }])).toEqual([false, false, false]);
    const n = rule(`    sel:\n        Image|contains: 'x'\n    condition: not sel`);
    expect(verdicts(n, [{}, { Image: 'x' }, { Image: 'y' }])).toEqual([true, false, true]);
  });

  it('matches any element of a list value', () => {
    const r = rule(`    sel:\n        Tags: 'b'\n    condition: sel`);
    expect(verdicts(r, [{ Tags: ['a', 'B'] }, { Tags: ['a'] }])).toEqual([true, false]);
  });

  it('the empty string matches only an empty value', () => {
    const r = rule(`    sel:\n        Description: ''\n    condition: sel`);
    expect(verdicts(r, [{ Description: '' }, { Description: 'x' }, {}])).toEqual([true, false, false]);
  });
});

describe('numbers and booleans', () => {
  it('numbers compare numerically and match their string form', () => {
    const r = rule(`    sel:\n        EventID: 4688\n    condition: sel`);
    expect(verdicts(r, [{ EventID: 4688 }, { EventID: '4688' }, { EventID: ' 4688 ' }, { EventID: '4688.0' }, { EventID: 46880 }, { EventID: 'x' }])).toEqual([true, true, true, true, false, false]);
    const s = rule(`    sel:\n        EventID: '1'\n    condition: sel`);
    expect(verdicts(s, [{ EventID: 1 }, { EventID: '1' }, { EventID: 11 }])).toEqual([true, true, false]);
  });

  it('lt, lte, gt, gte on numbers and numeric text', () => {
    const ops = { lt: [true, false, false], lte: [true, true, false], gt: [false, false, true], gte: [false, true, true] } as const;
    for (const [op, want] of Object.entries(ops)) {
      const r = rule(`    sel:\n        Size|${op}: 100\n    condition: sel`);
      expect(verdicts(r, [{ Size: 99 }, { Size: '100' }, { Size: 100.5 }])).toEqual(want);
      expect(verdicts(r, [{}, { Size: 'big' }])).toEqual([false, false]);
    }
  });

  it('booleans match booleans and their text', () => {
    const r = rule(`    sel:\n        Signed: true\n    condition: sel`);
    expect(verdicts(r, [{ Signed: true }, { Signed: 'True' }, { Signed: false }, { Signed: 'false' }, {}])).toEqual([true, true, false, false, false]);
  });
});

describe('null, exists, fieldref', () => {
  it('null matches a missing or null field, not an empty one', () => {
    const r = rule(`    sel:\n        ParentImage: null\n    condition: sel`);
    expect(verdicts(r, [{}, { ParentImage: null }, { ParentImage: '' }, { ParentImage: 'x' }])).toEqual([true, true, false, false]);
    const n = rule(`    sel:\n        ParentImage: null\n    condition: not sel`);
    expect(verdicts(n, [{}, { ParentImage: 'x' }])).toEqual([false, true]);
  });

  it('exists checks presence only, whatever the value', () => {
    const yes = rule(`    sel:\n        User|exists: true\n    condition: sel`);
    const no = rule(`    sel:\n        User|exists: false\n    condition: sel`);
    const events = [{ User: 'a' }, { User: null }, { User: '' }, {}];
    expect(verdicts(yes, events)).toEqual([true, true, true, false]);
    expect(verdicts(no, events)).toEqual([false, false, false, true]);
  });

  it('fieldref compares two fields of the event', () => {
    const r = rule(`    sel:\n        User|fieldref: ParentUser\n    condition: sel`);
    expect(verdicts(r, [{ User: 'Bob', ParentUser: 'bob' }, { User: 'bob', ParentUser: 'alice' }, { User: 'bob' }, { User: 5, ParentUser: '5' }])).toEqual([true, false, false, true]);
    const c = rule(`    sel:\n        User|fieldref|cased: ParentUser\n    condition: sel`);
    expect(verdicts(c, [{ User: 'Bob', ParentUser: 'bob' }, { User: 'bob', ParentUser: 'bob' }])).toEqual([false, true]);
  });
});

describe('regular expressions', () => {
  it('are case-sensitive unless i, and honour m and s', () => {
    const r = rule(`    sel:\n        CommandLine|re: '^cmd\\.exe /c'\n    condition: sel`);
    expect(verdicts(r, [{ CommandLine: 'cmd.exe /c dir' }, { CommandLine: 'CMD.EXE /c dir' }, { CommandLine: 'x cmd.exe /c' }])).toEqual([true, false, false]);
    const i = rule(`    sel:\n        CommandLine|re|i: '^cmd\\.exe /c'\n    condition: sel`);
    expect(verdicts(i, [{ CommandLine: 'CMD.EXE /c dir' }])).toEqual([true]);
    const m = rule(`    sel:\n        Script|re|m: '^Invoke-Evil$'\n    condition: sel`);
    const noM = rule(`    sel:\n        Script|re: '^Invoke-Evil$'\n    condition: sel`);
    expect(verdicts(m, [{ Script: 'a\nInvoke-Evil\nb' }])).toEqual([true]);
    expect(verdicts(noM, [{ Script: 'a\nInvoke-Evil\nb' }])).toEqual([false]);
    const s = rule(`    sel:\n        Script|re|s: 'begin.end'\n    condition: sel`);
    const noS = rule(`    sel:\n        Script|re: 'begin.end'\n    condition: sel`);
    expect(verdicts(s, [{ Script: 'begin\nend' }])).toEqual([true]);
    expect(verdicts(noS, [{ Script: 'begin\nend' }])).toEqual([false]);
  });

  it('runs in linear time on catastrophic patterns', () => {
    const r = rule(`    sel:\n        CommandLine|re: '^(a+)+$'\n    condition: sel`);
    const start = Date.now();
    expect(matches(r, { CommandLine: 'a'.repeat(30_000) + '!' })).toBe(false);
    expect(Date.now() - start).toBeLessThan(2000);
  });

  it('refuses lookarounds (no linear-time meaning) with a clear error', () => {
    const [r] = tester.prepareText(`title: t\nlogsource: {}\ndetection:\n    sel:\n        A|re: 'x(?=y)'\n    condition: sel\n`, 't.yml');
    expect(r?.errors[0]?.message).toMatch(/linear-time engine/);
  });
});

describe('networks', () => {
  it('cidr matches IPv4 and IPv6 networks, never the other family', () => {
    const v4 = rule(`    sel:\n        DestinationIp|cidr: '10.0.0.0/8'\n    condition: sel`);
    expect(verdicts(v4, [{ DestinationIp: '10.1.2.3' }, { DestinationIp: '11.0.0.1' }, { DestinationIp: 'fe80::1' }, { DestinationIp: 'junk' }])).toEqual([true, false, false, false]);
    const v6 = rule(`    sel:\n        DestinationIp|cidr: ['fe80::/10', '2001:db8::/32']\n    condition: sel`);
    expect(verdicts(v6, [{ DestinationIp: 'FE80::abcd' }, { DestinationIp: '2001:db8:1::5' }, { DestinationIp: '2001:db9::1' }, { DestinationIp: '10.0.0.1' }])).toEqual([true, true, false, false]);
  });
});

describe('encodings', () => {
  it('base64 and base64offset|contains find the value at any byte offset', () => {
    const plain = rule(`    sel:\n        Payload|base64: 'secret'\n    condition: sel`);
    expect(verdicts(plain, [{ Payload: b64('secret') }, { Payload: b64('xsecret') }])).toEqual([true, false]);
    const r = rule(`    sel:\n        CommandLine|base64offset|contains: 'http://'\n    condition: sel`);
    const hits = ['', 'a', 'ab'].map((p) => ({ CommandLine: `powershell -e ${b64(p + 'http://evil/x')}` }));
    expect(verdicts(r, hits)).toEqual([true, true, true]);
    expect(matches(r, { CommandLine: `powershell -e ${b64('https://evil')}` })).toBe(false);
  });

  it('utf16le (wide), utf16be and utf16 with a byte-order mark, under base64', () => {
    const le = rule(`    sel:\n        CommandLine|wide|base64offset|contains: 'ping'\n    condition: sel`);
    expect(matches(le, { CommandLine: `powershell -enc ${b64(Buffer.from('x ping 1', 'utf16le'))}` })).toBe(true);
    expect(matches(le, { CommandLine: `powershell -enc ${b64('x ping 1')}` })).toBe(false);
    const be = rule(`    sel:\n        Blob|utf16be|base64: 'ab'\n    condition: sel`);
    expect(matches(be, { Blob: b64(Buffer.from([0, 0x61, 0, 0x62])) })).toBe(true);
    expect(matches(be, { Blob: b64(Buffer.from([0x61, 0, 0x62, 0])) })).toBe(false);
    const bom = rule(`    sel:\n        Blob|utf16|base64: 'ab'\n    condition: sel`);
    expect(matches(bom, { Blob: b64(Buffer.from([0xff, 0xfe, 0x61, 0, 0x62, 0])) })).toBe(true);
    expect(matches(bom, { Blob: b64(Buffer.from([0x61, 0, 0x62, 0])) })).toBe(false);
  });

  it('windash accepts every dash form', () => {
    const r = rule(`    sel:\n        CommandLine|windash|contains: ' -enc '\n    condition: sel`);
    expect(verdicts(r, ['-', '/', '\u2013', '\u2014', '\u2015', '+'].map((d) => ({ CommandLine: `powershell ${d}enc AAAA` })))).toEqual([true, true, true, true, true, false]);
  });
});

describe('time parts', () => {
  it('extracts minute, hour, day, week, month and year in UTC', () => {
    const cases: [string, number][] = [['minute', 5], ['hour', 23], ['day', 31], ['week', 1], ['month', 12], ['year', 2024]];
    for (const [part, value] of cases) {
      const r = rule(`    sel:\n        UtcTime|${part}: ${value}\n    condition: sel`);
      // 2024-12-31 is a Tuesday of ISO week 1 of 2025.
      expect(verdicts(r, [{ UtcTime: '2024-12-31 23:05:00.000' }, { UtcTime: '2023-06-15T10:30:00Z' }])).toEqual([true, false]);
    }
    const gte = rule(`    sel:\n        Timestamp|hour|gte: 22\n    condition: sel`);
    expect(verdicts(gte, [{ Timestamp: '2024-06-15T22:30:00Z' }, { Timestamp: Date.UTC(2024, 5, 15, 3) }, { Timestamp: 'not a date' }])).toEqual([true, false, false]);
  });
});

describe('keywords', () => {
  it('search every value of the event, case-insensitively, as a substring', () => {
    const r = rule(`    keywords:\n        - 'mimikatz'\n        - 'sekurlsa::'\n    condition: keywords`);
    expect(verdicts(r, [{ a: 'Invoke-MIMIKATZ' }, { deep: { list: ['x', 'SEKURLSA::logonpasswords'] } }, { a: 'mimi katz' }, { EventID: 1 }])).toEqual([true, true, false, false]);
    const all = rule(`    keywords:\n        '|all':\n            - 'foo'\n            - 'bar'\n    condition: keywords`);
    expect(verdicts(all, [{ a: 'foo', b: 'BAR' }, { a: 'foo' }])).toEqual([true, false]);
    const n = rule(`    keywords:\n        - 4688\n    condition: keywords`);
    expect(verdicts(n, [{ EventID: 4688 }, { EventID: 4624 }])).toEqual([true, false]);
  });
});

describe('conditions', () => {
  const det = `    sel_a:\n        A: 'x'\n    sel_b:\n        B: 'x'\n    filter:\n        C: 'x'\n`;
  const events = [{ A: 'x' }, { B: 'x' }, { A: 'x', B: 'x' }, { A: 'x', C: 'x' }, {}];

  it('1 of, all of, them', () => {
    expect(verdicts(rule(det + '    condition: 1 of sel_*'), events)).toEqual([true, true, true, true, false]);
    expect(verdicts(rule(det + '    condition: all of sel_*'), events)).toEqual([false, false, true, false, false]);
    expect(verdicts(rule(det + '    condition: 1 of them'), events)).toEqual([true, true, true, true, false]);
    expect(verdicts(rule(det + '    condition: all of them'), events)).toEqual([false, false, false, false, false]);
    expect(verdicts(rule(det + '    condition: 1 of sel_* and not filter'), events)).toEqual([true, true, true, false, false]);
  });

  it('not binds tighter than and, and tighter than or; parentheses override', () => {
    // a or b and c = a or (b and c)
    expect(verdicts(rule(det + '    condition: sel_a or sel_b and filter'), [{ A: 'x' }, { B: 'x' }, { B: 'x', C: 'x' }])).toEqual([true, false, true]);
    expect(verdicts(rule(det + '    condition: (sel_a or sel_b) and filter'), [{ A: 'x' }, { A: 'x', C: 'x' }])).toEqual([false, true]);
    expect(verdicts(rule(det + '    condition: not sel_a and sel_b'), [{ B: 'x' }, { A: 'x', B: 'x' }])).toEqual([true, false]);
    expect(verdicts(rule(det + '    condition: not (sel_a and sel_b)'), [{ A: 'x', B: 'x' }, { A: 'x' }])).toEqual([false, true]);
  });

  it('list of maps is OR, map is AND, value list is OR', () => {
    const r = rule(`    sel:\n        - A: 'x'\n          B: ['1', '2']\n        - C: 'y'\n    condition: sel`);
    expect(verdicts(r, [{ A: 'x', B: '2' }, { A: 'x', B: '3' }, { C: 'Y' }, { A: 'x' }])).toEqual([true, false, true, false]);
  });

  it('several conditions are OR-ed', () => {
    const r = rule(det + '    condition:\n        - sel_a and filter\n        - sel_b');
    expect(verdicts(r, [{ A: 'x' }, { A: 'x', C: 'x' }, { B: 'x' }])).toEqual([false, true, true]);
  });
});

describe('evaluateExpr and compileExpr', () => {
  it('evaluate the IR directly', () => {
    const e = { kind: 'and', args: [{ kind: 'match', field: 'a', value: plainSigmaString('X'), cased: false, loc: { line: 1, col: 1 } }, { kind: 'not', arg: { kind: 'exists', field: 'b', loc: { line: 1, col: 1 } } }] } as const;
    expect(evaluateExpr(e, createEventAccessor({ a: 'x' }))).toBe(true);
    expect(compileExpr(e)(createEventAccessor({ a: 'x', b: null }))).toBe(false);
    expect(evaluateExpr({ kind: 'const', value: false }, createEventAccessor({}))).toBe(false);
  });
});
