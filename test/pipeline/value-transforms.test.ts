/**
 * Value transformations (src/pipeline/values, `value_transforms` in backends/pipelines): the query a pipeline
 * writes, the refusals with their reasons, and - by property - that the transformed expression evaluated on
 * a row as Defender stores it gives the same verdict as the rule on the Sysmon event the row comes from.
 */
import fc from 'fast-check';
import { Converter } from '../../src/convert';
import { createFsLoader } from '../../src/cli/fs-loader';
import { matches, rule } from '../evaluate/helpers';

const converter = new Converter(createFsLoader());

function convert(detection: string, logsource: string, pipeline = 'defender-xdr', target = 'kql'): { query: string | null; error: string | null } {
  const text = `title: t\nlogsource: ${logsource}\ndetection:\n${detection.replace(/^\n/, '')}`;
  const [r] = converter.convertText(text, 'test.yml', { target, pipeline });
  if (!r) throw new Error('no result');
  return { query: r.ok ? (r.queries[0] ?? null) : null, error: r.errors[0] ? `${r.errors[0].code}: ${r.errors[0].message}` : null };
}

const REG_SET = '{category: registry_set, product: windows}';
const PROC = '{category: process_creation, product: windows}';

describe('registry path: TargetObject -> RegistryKey + RegistryValueName', () => {
  it('a value name after the last backslash is tested on RegistryValueName', () => {
    const { query } = convert("    sel:\n        TargetObject|endswith: '\\Debugger'\n    condition: sel", REG_SET);
    expect(query).toContain('RegistryValueName =~ "Debugger" or RegistryValueName endswith "\\\\Debugger"');
    expect(query).not.toContain('RegistryKey endswith');
  });

  it("the default value: Sysmon's '(Default)' is also Defender's empty value name", () => {
    const { query } = convert("    sel:\n        TargetObject|endswith: '\\(Default)'\n    condition: sel", REG_SET);
    expect(query).toContain('RegistryValueName in~ ("(Default)", "") or RegistryValueName endswith "\\\\(Default)"');
  });

  it('a pattern that may straddle key and value name is tested on the joined path', () => {
    const { query } = convert("    sel:\n        TargetObject|contains: '\\CurrentVersion\\Run\\'\n    condition: sel", REG_SET);
    expect(query).toContain('strcat(RegistryKey, "\\\\", iff(isempty(RegistryValueName), "(Default)", RegistryValueName)) contains "\\\\CurrentVersion\\\\Run\\\\"');
  });

  it('short hives are spelled as Defender writes them', () => {
    const { query } = convert("    sel:\n        TargetObject|startswith: 'HKLM\\SOFTWARE\\Policies\\'\n    condition: sel", REG_SET);
    expect(query).toContain('startswith "HKEY_LOCAL_MACHINE\\\\SOFTWARE\\\\Policies\\\\"');
    expect(query).not.toContain('HKLM');
  });

  it('a fixed HKCU\\ prefix is refused with the reason', () => {
    const { error } = convert("    sel:\n        TargetObject|startswith: 'HKCU\\Software\\X'\n    condition: sel", REG_SET);
    expect(error).toMatch(/^value-transform: field 'TargetObject' value 'HKCU\\Software\\X\*': .*HKEY_CURRENT_USER\\<user SID>/);
  });

  it('key events (registry_add) test RegistryKey alone', () => {
    const { query } = convert("    sel:\n        TargetObject|endswith: '\\Services\\Evil'\n    condition: sel", '{category: registry_add, product: windows}');
    expect(query).toBe('DeviceRegistryEvents\n| where ActionType =~ "RegistryKeyCreated" and RegistryKey endswith "\\\\Services\\\\Evil"');
  });

  it('Sysmon event 12 (registry_delete): key events test the key, value events the key and value name', () => {
    const { query } = convert("    sel:\n        TargetObject|endswith: '\\Run'\n    condition: sel", '{category: registry_delete, product: windows}');
    expect(query).toContain('(ActionType in~ ("RegistryKeyCreated", "RegistryKeyDeleted", "RegistryKeyRenamed")) and RegistryKey endswith "\\\\Run"');
    expect(query).toContain('not(ActionType in~ ("RegistryKeyCreated", "RegistryKeyDeleted", "RegistryKeyRenamed")) and (RegistryValueName =~ "Run"');
  });

  it('targets without a joined-column form refuse a straddling pattern instead of guessing', () => {
    // No splunk pipeline declares the join; the transformation is Defender's. Its strcat form is KQL only.
    expect(convert("    sel:\n        TargetObject|contains: 'a\\b'\n    condition: sel", REG_SET, 'splunk-windows', 'splunk').query).toContain('TargetObject');
  });
});

describe('registry hives', () => {
  it("HKU\\ may be Defender's HKEY_USERS\\ or HKEY_CURRENT_USER\\<SID>", () => {
    const { query } = convert("    sel:\n        TargetObject|startswith: 'HKU\\S-1-5-21-1\\Software\\'\n    condition: sel", '{category: registry_add, product: windows}');
    expect(query).toContain('RegistryKey startswith "HKEY_USERS\\\\S-1-5-21-1\\\\Software\\\\" or RegistryKey startswith "HKEY_CURRENT_USER\\\\S-1-5-21-1\\\\Software\\\\"');
  });
});

describe('registry data and event type', () => {
  it("'DWORD (0x0000000a)' becomes the decimal text with the Dword type", () => {
    const { query } = convert("    sel:\n        Details: 'DWORD (0x0000000a)'\n    condition: sel", REG_SET);
    expect(query).toContain('RegistryValueType =~ "Dword" and RegistryValueData =~ "10"');
    expect(query).not.toContain('DWORD (');
  });

  it('ECS: registry.data.strings holds the decimal, registry.data.type SZ_DWORD', () => {
    const { query } = convert("    sel:\n        Details: 'DWORD (0x00000001)'\n    condition: sel", REG_SET, 'ecs', 'eql');
    expect(query).toBe('registry where registry.data.type : "SZ_DWORD" and registry.data.strings : "1"');
  });

  it('a partial DWORD is refused, naming field, value and reason', () => {
    const { error } = convert("    sel:\n        Details|startswith: 'DWORD (0x0000'\n    condition: sel", REG_SET);
    expect(error).toMatch(/^value-transform: field 'Details' value 'DWORD \(0x0000\*': .*decimal text in RegistryValueData/);
  });

  it('EventType values become ActionType values; unknown ones are refused', () => {
    expect(convert("    sel:\n        EventType: 'SetValue'\n    condition: sel", '{category: registry_event, product: windows}').query).toContain(
      'ActionType =~ "RegistryValueSet"',
    );
    expect(convert("    sel:\n        EventType|startswith: 'Delete'\n    condition: sel", '{category: registry_event, product: windows}').query).toContain(
      'ActionType in~ ("RegistryKeyDeleted", "RegistryValueDeleted")',
    );
    expect(convert("    sel:\n        EventType: 'QueryValue'\n    condition: sel", '{category: registry_event, product: windows}').error).toMatch(
      /^value-transform: field 'EventType' value 'QueryValue': no value the source writes matches it/,
    );
  });
});

describe('accounts: DOMAIN\\user -> AccountDomain + AccountName', () => {
  it('splits a full account, and tests a bare name on AccountName', () => {
    expect(convert("    sel:\n        User: 'NT AUTHORITY\\SYSTEM'\n    condition: sel", PROC).query).toContain('AccountDomain =~ "NT AUTHORITY" and AccountName =~ "SYSTEM"');
    expect(convert("    sel:\n        User: 'SYSTEM'\n    condition: sel", PROC).query).toContain('AccountName =~ "SYSTEM"');
  });

  it('contains without a backslash may be in either column; inside not it still excludes both', () => {
    const { query } = convert("    sel:\n        Image|endswith: '\\x.exe'\n    f:\n        User|contains: 'AUTHORI'\n    condition: sel and not f", PROC);
    expect(query).toContain('not(AccountDomain contains "AUTHORI" or AccountName contains "AUTHORI")');
  });

  it('wildcards on both sides of the backslash stay on their own side', () => {
    expect(convert("    sel:\n        User|contains: 'AUTHORI*\\SYS'\n    condition: sel", PROC).query).toContain(
      'AccountDomain contains "AUTHORI" and AccountName startswith "SYS"',
    );
  });
});

describe('ECS, as the Windows integration stores Sysmon events', () => {
  const NET = '{category: network_connection, product: windows}';
  it('Initiated becomes network.direction; User is split into user.domain and user.name', () => {
    expect(convert("    sel:\n        Initiated: 'true'\n        User: 'NT AUTHORITY\\SYSTEM'\n    condition: sel", NET, 'ecs', 'eql').query).toBe(
      'network where network.direction : "egress" and user.domain : "NT AUTHORITY" and user.name : "SYSTEM"',
    );
  });

  it('a User pattern that may straddle domain and name has no EQL form: refused, naming the joined columns', () => {
    expect(convert("    sel:\n        User|contains: 'AUTH*SYS'\n    condition: sel", PROC, 'ecs', 'eql').error).toBe(
      "unsupported-feature: target 'eql' cannot express strcat(user.domain, '\\', user.name) = '*AUTH*SYS*' exactly",
    );
  });
});

describe('Hashes -> one column per algorithm', () => {
  it('each ALGO=hex becomes its column; a bare hash goes by its length', () => {
    const { query } = convert(
      "    sel:\n        Hashes|contains:\n            - 'MD5=0123456789abcdef0123456789abcdef'\n            - 'SHA256=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'\n            - '0123456789abcdef0123456789abcdef01234567'\n    condition: sel",
      PROC,
    );
    expect(query).toContain('MD5 =~ "0123456789abcdef0123456789abcdef"');
    expect(query).toContain('SHA256 =~ "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"');
    expect(query).toContain('SHA1 =~ "0123456789abcdef0123456789abcdef01234567"');
  });

  it('an IMPHASH among alternatives refuses the rule (Defender has no imphash column)', () => {
    const { error } = convert("    sel:\n        Hashes|contains:\n            - 'MD5=0123456789abcdef0123456789abcdef'\n            - 'IMPHASH=0123456789ABCDEF0123456789ABCDEF'\n    condition: sel", PROC);
    expect(error).toBe("value-transform: field 'Hashes' value '*IMPHASH=0123456789ABCDEF0123456789ABCDEF*': the pipeline has no column for IMPHASH hashes (columns: MD5, SHA1, SHA256)");
  });

  it('ECS keeps imphash, in lower case', () => {
    expect(convert("    sel:\n        Hashes|contains: 'IMPHASH=0123456789ABCDEF0123456789ABCDEF'\n    condition: sel", PROC, 'ecs', 'eql').query).toContain(
      'process.pe.imphash : "0123456789abcdef0123456789abcdef"',
    );
  });

  it('a partial hash is refused', () => {
    expect(convert("    sel:\n        Hashes|contains: 'MD5=0123'\n    condition: sel", PROC).error).toMatch(/MD5 hashes have 32 hex digits/);
  });
});

describe('paths where only the file name is stored', () => {
  it("'*\\name.exe' is the file name; a test needing the folder is refused", () => {
    const FILE = '{category: file_event, product: windows}';
    expect(convert("    sel:\n        ParentImage|endswith: '\\winword.exe'\n    condition: sel", FILE).query).toContain('InitiatingProcessParentFileName =~ "winword.exe"');
    expect(convert("    sel:\n        ParentImage|contains: '\\Temp\\'\n    condition: sel", FILE).error).toMatch(
      /^value-transform: field 'ParentImage' value '.*Temp.*': the pattern can span the path and the file name, and only InitiatingProcessParentFileName is stored$/,
    );
  });
});

describe('LogonId hex text -> number', () => {
  it('0x3e7 is 999 on the numeric column; a partial value is refused', () => {
    expect(convert("    sel:\n        LogonId: '0x3e7'\n    condition: sel", PROC).query).toContain('LogonId == 999');
    expect(convert("    sel:\n        LogonId|startswith: '0x3'\n    condition: sel", PROC).error).toMatch(/^value-transform: field 'LogonId'/);
  });
});

describe('the evaluator reads the transformed expression as the query does', () => {
  // Sysmon's view of one registry value event and Defender's row for it.
  const segment = fc.stringMatching(/^[A-Za-z0-9 ._()-]{1,6}$/);
  const keyArb = fc.array(segment, { minLength: 1, maxLength: 4 });
  const valueNameArb = fc.oneof(fc.constant(''), segment, fc.tuple(segment, segment).map(([a, b]) => `${a}\\${b}`));
  const hiveArb = fc.constantFrom(['HKLM', 'HKEY_LOCAL_MACHINE'], ['HKU', 'HKEY_USERS'], ['HKU', 'HKEY_CURRENT_USER']);

  // Sysmon event types and their Defender ActionType: value events carry key\name, key events the key alone.
  const scenarioArb = fc.constantFrom(
    { category: 'registry_set', eventType: 'SetValue', action: 'RegistryValueSet', valueEvent: true },
    { category: 'registry_delete', eventType: 'DeleteValue', action: 'RegistryValueDeleted', valueEvent: true },
    { category: 'registry_delete', eventType: 'DeleteKey', action: 'RegistryKeyDeleted', valueEvent: false },
    { category: 'registry_event', eventType: 'CreateKey', action: 'RegistryKeyCreated', valueEvent: false },
  );

  it('registry events: TargetObject patterns cut from the event itself', () => {
    let fired = 0;
    fc.assert(
      fc.property(scenarioArb, hiveArb, keyArb, valueNameArb, fc.nat(), fc.nat(), fc.constantFrom('contains', 'startswith', 'endswith', 'equals'), (sc, hive, key, name, a, b, op) => {
        const keyPath = `${hive[0]}\\${key.join('\\')}`;
        const sysmonPath = sc.valueEvent ? `${keyPath}\\${name === '' ? '(Default)' : name}` : keyPath;
        const from = Math.min(a, b) % (sysmonPath.length + 1);
        const to = Math.max(a, b) % (sysmonPath.length + 1);
        const cut = op === 'startswith' ? sysmonPath.slice(0, Math.max(to, 1)) : op === 'endswith' ? sysmonPath.slice(from) : op === 'equals' ? sysmonPath : sysmonPath.slice(from, to);
        if (cut === '' || /[*?]/.test(cut)) return;
        const escaped = cut.replace(/\\/g, '\\\\').replace(/'/g, "''");
        const modifier = op === 'equals' ? '' : `|${op}`;
        const detection = `    sel:\n        TargetObject${modifier}: '${escaped}'\n    condition: sel`;
        const logsource = `{category: ${sc.category}, product: windows}`;
        const raw = rule(detection, logsource);
        let mapped;
        try {
          mapped = rule(detection, logsource, 'defender-xdr');
        } catch (err) {
          // A refusal is allowed (it names its reason); a converted rule must give the same verdict.
          expect(String(err)).toMatch(/the text may begin inside or stop short of/);
          return;
        }
        const eventId = sc.eventType === 'SetValue' ? 13 : 12;
        const event = { Event: { System: { EventID: eventId, Channel: 'Microsoft-Windows-Sysmon/Operational' }, EventData: { EventType: sc.eventType, TargetObject: sysmonPath } } };
        const row = {
          Table: 'DeviceRegistryEvents',
          ActionType: sc.action,
          RegistryKey: `${hive[1]}\\${key.join('\\')}`,
          RegistryValueName: sc.valueEvent ? name : '',
        };
        const verdict = matches(raw, event);
        if (verdict) fired++;
        expect(matches(mapped, row)).toBe(verdict);
      }),
      { numRuns: 400 },
    );
    // Patterns are cut from the event, so most of them match: the comparison is not between two 'false'.
    expect(fired).toBeGreaterThan(200);
  });

  it('User: patterns cut from DOMAIN\\name, also under not', () => {
    const part = fc.stringMatching(/^[A-Za-z0-9 _-]{1,8}$/);
    let fired = 0;
    fc.assert(
      fc.property(part, part, fc.nat(), fc.nat(), fc.boolean(), (domain, name, a, b, negate) => {
        const account = `${domain}\\${name}`;
        const from = Math.min(a, b) % account.length;
        const to = Math.max(from + 1, Math.max(a, b) % (account.length + 1));
        const cut = account.slice(from, to).replace(/\\/g, '\\\\');
        const detection = `    sel:\n        Image|endswith: '.exe'\n    f:\n        User|contains: '${cut}'\n    condition: sel and ${negate ? 'not ' : ''}f`;
        const raw = rule(detection, PROC);
        const mapped = rule(detection, PROC, 'defender-xdr');
        const event = { Event: { System: { EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational' }, EventData: { Image: 'C:\\a.exe', User: account } } };
        const row = { Table: 'DeviceProcessEvents', FolderPath: 'C:\\a.exe', AccountDomain: domain, AccountName: name };
        const verdict = matches(raw, event);
        if (verdict) fired++;
        expect(matches(mapped, row)).toBe(verdict);
      }),
      { numRuns: 300 },
    );
    expect(fired).toBeGreaterThan(50);
    expect(fired).toBeLessThan(300);
  });
});

describe('fields under a prefix inside a JSON column', () => {
  it("Sentinel AWSCloudTrail: requestParameters.* is read inside RequestParameters, and evaluated the same way", () => {
    const detection = "    sel:\n        eventName: 'CreateUser'\n        requestParameters.userName|startswith: 'adm'\n    condition: sel";
    const AWS = '{product: aws, service: cloudtrail}';
    expect(convert(detection, AWS, 'sentinel').query).toBe('AWSCloudTrail\n| where EventName =~ "CreateUser" and tostring(parse_json(RequestParameters).userName) startswith "adm"');
    const mapped = rule(detection, AWS, 'sentinel');
    const row = { Type: 'AWSCloudTrail', EventName: 'CreateUser', RequestParameters: '{"userName":"admin2"}' };
    expect(matches(mapped, row)).toBe(true);
    expect(matches(mapped, { ...row, RequestParameters: '{"userName":"bob"}' })).toBe(false);
  });
});

describe('PipelineResult.valueTransforms', () => {
  it('lists each transformation a rule went through once', () => {
    const text = "title: t\nlogsource: {category: registry_set, product: windows}\ndetection:\n    sel:\n        TargetObject|endswith: ['\\a', '\\b']\n        Details: 'DWORD (0x00000001)'\n    condition: sel";
    const [r] = converter.convertText(text, 't.yml', { target: 'kql', pipeline: 'defender-xdr' });
    expect(r?.ok).toBe(true);
    const { parseYamlDocuments } = jest.requireActual('../../src/rule/yaml-source') as typeof import('../../src/rule/yaml-source');
    const { parseRule } = jest.requireActual('../../src/rule/parse-rule') as typeof import('../../src/rule/parse-rule');
    const doc = parseYamlDocuments(text)[0];
    if (!doc) throw new Error('no document');
    const converted = converter.convertRule(parseRule(doc, text.split('\n')), { target: 'kql', pipeline: 'defender-xdr' });
    expect(converted.mapped.valueTransforms).toEqual(['TargetObject -> RegistryKey\\RegistryValueName (join)', 'Details -> RegistryValueData (registry data)']);
  });
});
