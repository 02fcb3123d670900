import { reasonClass, reasonSubject, summarise, type RuleOutcome } from '../scripts/corpus-run';

const outcome = (key: string, o: Partial<RuleOutcome>): RuleOutcome => ({
  key,
  ok: true,
  threw: false,
  warnings: [],
  queries: ['q'],
  valueTransforms: [],
  allowedUnmapped: [],
  ...o,
});

describe('npm run corpus: the per-pipeline report', () => {
  it('counts converted, refused by code and reason class, value transformations and fields allowed unmapped', () => {
    const refusedField = (field: string, table: string) => ({
      ok: false,
      queries: [],
      code: 'unmapped-field' as const,
      message: `field '${field}' has no equivalent column in ${table} (pipeline 'p', logsource category: x); the rule cannot be converted faithfully: try another --pipeline`,
    });
    const stats = summarise({ target: 'kql', pipeline: 'defender-xdr' }, [
      outcome('a#1', {}),
      outcome('b#1', { valueTransforms: ['registry path -> RegistryKey + RegistryValueName', 'DWORD -> decimal'] }),
      outcome('c#1', { valueTransforms: ['DWORD -> decimal'], allowedUnmapped: ['Payload'] }),
      outcome('d#1', refusedField('Hashes', 'DeviceProcessEvents')),
      outcome('e#1', refusedField('ScriptBlockText', 'DeviceEvents')),
      outcome('f#1', refusedField('Hashes', 'DeviceImageLoadEvents')),
      outcome('g#1', { ok: false, queries: [], code: 'unknown-logsource', message: "pipeline 'p' has no table for logsource product: okta, service: okta; try another --pipeline" }),
    ]);
    expect(stats.converted).toBe(3);
    expect(Object.fromEntries(stats.refused)).toEqual({ 'unmapped-field': 3, 'unknown-logsource': 1 });
    expect(stats.viaValueTransform).toBe(2);
    expect(Object.fromEntries(stats.transforms)).toEqual({ 'DWORD -> decimal': 2, 'registry path -> RegistryKey + RegistryValueName': 1 });
    expect(stats.withAllowedUnmapped).toBe(1);
    expect(Object.fromEntries(stats.allowedFields)).toEqual({ Payload: 1 });
    const fieldClass = stats.classes.get('unmapped-field')?.get('field … has no equivalent column in …');
    expect(fieldClass?.count).toBe(3);
    expect(Object.fromEntries(fieldClass?.subjects ?? [])).toEqual({ Hashes: 2, ScriptBlockText: 1 });
    expect([...(stats.classes.get('unknown-logsource')?.keys() ?? [])]).toEqual(['pipeline … has no table for logsource …']);
  });

  it('reads 0 when the pipeline result reports neither fact', () => {
    const stats = summarise({ target: 'eql', pipeline: 'ecs' }, [outcome('a#1', { queries: ['process where true'] })]);
    expect([stats.viaValueTransform, stats.withAllowedUnmapped]).toEqual([0, 0]);
  });

  it('reduces messages to reason classes and subjects', () => {
    expect(reasonClass("field 'LogonId' maps to LogonId, a long column of DeviceProcessEvents, which cannot be compared with the text '0x3e7' as the rule writes it")).toBe(
      'field … maps to …, a long column of …, which cannot be compared with the text … as the rule writes it',
    );
    expect(reasonClass("'winlog.event_data.IpAddress' holds addresses as text, and the IPv6 range ::1/128 has no exact text pattern")).toBe('… holds addresses as text, and the IPv6 range # has no exact text pattern');
    expect(reasonSubject("pipeline 'sentinel' has no table for logsource category: proxy; try another --pipeline")).toBe('category: proxy');
    expect(reasonSubject("field 'Hashes' has no equivalent column in T")).toBe('Hashes');
    expect(reasonSubject('the rule can never match')).toBeNull();
  });
});
