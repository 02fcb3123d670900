/**
 * The Lucene regex translation (EQL `regex`): empty alternatives, which Lucene rejects, become an
 * optional group with the same values; regexes whose automaton Elasticsearch would refuse to
 * determinize are refused at conversion. test/lucene-regex.test.ts checks the output with Lucene itself.
 */
import fc from 'fast-check';
import { sigmaRegexToLucene } from '../src/render/regex-dialects';
import { determinizedStates, LUCENE_MAX_DETERMINIZED_STATES } from '../src/render/lucene-automaton';

/** Sigma regexes over a, b and '.', with groups whose alternatives may be empty. */
const regex: fc.Arbitrary<string> = fc.letrec<{ re: string; group: string; term: string }>((tie) => ({
  re: fc.array(tie('term'), { minLength: 0, maxLength: 4 }).map((t) => t.join('')),
  term: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom('a', 'b', '.', 'a*', 'b+', 'a?', '.{0,2}'),
    tie('group'),
  ),
  group: fc
    .tuple(fc.constantFrom('(', '(?:'), fc.array(fc.oneof(fc.constant(''), tie('re')), { minLength: 1, maxLength: 3 }))
    .map(([open, alternatives]) => `${open}${alternatives.join('|')})`),
})).re;

/** A translated (whole-value) Lucene regex as a JavaScript regex: the syntax used here is common to both. */
function asJs(lucene: string): RegExp {
  return new RegExp(`^(?:${lucene})$`, 's');
}

describe('Lucene translation of empty alternatives', () => {
  it('matches exactly the values the Sigma regex finds, with no empty alternative left', () => {
    fc.assert(
      fc.property(regex, fc.array(fc.string({ unit: fc.constantFrom('a', 'b', 'c') }), { minLength: 1, maxLength: 8 }), (source, values) => {
        const out = sigmaRegexToLucene(source, []).pattern;
        expect(out).not.toMatch(/\(\||\|\||\|\)/);
        const sigma = new RegExp(source);
        const lucene = asJs(out);
        for (const v of values) expect([v, lucene.test(v)]).toEqual([v, sigma.test(v)]);
      }),
      { numRuns: 500 },
    );
  });

  it('writes (x|) as (x)? and keeps (|) as an empty group', () => {
    expect(sigmaRegexToLucene('cmd(?:\\s|)set', []).pattern).toBe('.*cmd([ \t\n\r\f\v])?set.*');
    expect(sigmaRegexToLucene('a(|b|)c', []).pattern).toBe('.*a(b)?c.*');
    expect(sigmaRegexToLucene('a(|)c', []).pattern).toBe('.*a()c.*');
    expect(sigmaRegexToLucene('x|(a|)', []).pattern).toBe('(.*x.*|(.*a.*|.*.*))');
  });
});

describe('Lucene determinization limit', () => {
  it('counts the states of the determinized automaton', () => {
    expect(determinizedStates('abc', false)).toBe(4);
    // After an 'a' anywhere, the next n characters: 2^n subsets to remember.
    expect(determinizedStates('.*a.{10}', false)).toBeGreaterThan(1024);
    expect(determinizedStates('.*a.{20}', false)).toBeNull();
    // Case folding adds transitions, not states.
    expect(determinizedStates('abc', true)).toBe(4);
  });

  it('counts exactly the large automata of corpus regexes (the counts of the earlier subset construction, which sorted and keyed every subset)', () => {
    expect(determinizedStates('.*HostId=[a-zA-Z0-9-]{36}[ \t\n\r\f\u000b]+EngineVersion=.*', false)).toBe(518);
    expect(determinizedStates('.*cmd[^\n]{0,5}(/c|/r)[^\n]+powershell[^\n]+(\\$?\\{?input\\}?|noexit)[^\n]+\\".*', false)).toBe(640);
    expect(determinizedStates('.*([Pp]rogram[Dd]ata|%([Ll]ocal)?[Aa]pp[Dd]ata%|\\\\[Aa]pp[Dd]ata\\\\([Ll]ocal([Ll]ow)?|[Rr]oaming))\\\\[^\\\\]{1,256}', false)).toBe(6606);
    expect(determinizedStates('.*(Copy-Item|cpi) [^\n]{2,128} -Destination [^\n]{1,32}\\\\Windows\\\\(System32|SysWOW64).*', false)).toBeNull();
    expect(determinizedStates('.*ping[ \t\n\r\f\u000b]+-n[^\n]{6,64}echo EEEE[ \t\n\r\f\u000b]?\\>[ \t\n\r\f\u000b]?.*', false)).toBeNull();
    // Just under and just over a limit: the count stops exactly where it passes the limit.
    expect(determinizedStates('.*HostId=[a-zA-Z0-9-]{36}[ \t\n\r\f\u000b]+EngineVersion=.*', true, 518)).toBe(518);
    expect(determinizedStates('.*HostId=[a-zA-Z0-9-]{36}[ \t\n\r\f\u000b]+EngineVersion=.*', true, 517)).toBeNull();
  });

  it('counts exactly, for shapes the corpus has (counts of the plain subset construction, string-keyed, one interval at a time)', () => {
    expect(determinizedStates('.*a.{10}', false)).toBe(2048);
    expect(determinizedStates('.*[^\n]{1000,}.*', false)).toBe(2001);
    expect(determinizedStates('.*([^\n]){200,}.*', false)).toBe(401);
    expect(determinizedStates('.*(ab|ac)[^x]{3,9}(de|DF)?.*', true)).toBe(218);
    expect(determinizedStates('.*[Pp]rogram[Dd]ata\\\\[^\\\\]{1,64}', false)).toBe(726);
    expect(determinizedStates('(a|b)*c{2,5}[a-c]+', true)).toBe(7);
    expect(determinizedStates('.*a.{13}', false)).toBeNull();
    // Asked again (the verdict is remembered), the answer is the same; another limit is another question.
    expect(determinizedStates('.*[^\n]{1000,}.*', false)).toBe(2001);
    expect(determinizedStates('.*[^\n]{1000,}.*', false, 2000)).toBeNull();
  });

  it('stops at the limit instead of building the whole automaton', () => {
    const start = Date.now();
    expect(determinizedStates('.*a.{200}', false)).toBeNull();
    expect(Date.now() - start).toBeLessThan(20_000);
  });

  it('refuses a regex Elasticsearch could not determinize, naming it and the limit', () => {
    const source = 'ping\\s+-n.{6,64}echo EEEE\\s?>\\s?';
    expect(() => sigmaRegexToLucene(source, [])).toThrow(
      new RegExp(`'ping\\\\s\\+-n\\.\\{6,64\\}echo EEEE\\\\s\\?>\\\\s\\?' is too complex for Elasticsearch: .* more than ${LUCENE_MAX_DETERMINIZED_STATES} states`),
    );
    // The same search without the bounded repetition is fine.
    expect(sigmaRegexToLucene('ping\\s+-n.*echo EEEE\\s?>\\s?', []).pattern).toContain('echo EEEE');
  });
});
