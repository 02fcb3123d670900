import { createEventAccessor } from '../../src/evaluate/event-accessor';
import { parseLogsourceMap } from '../../src/evaluate/logsource-map';
import { parseEvents } from '../../src/evaluate/read-events';
import { matches, rule, verdicts } from './helpers';

/** Windows event JSON as evtx_dump writes it (#attributes) and as xmltodict-style tools write it (@Name). */
const evtxDump = {
  Event: {
    '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
    System: {
      Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon', Guid: '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}' } },
      EventID: 1,
      TimeCreated: { '#attributes': { SystemTime: '2026-11-26T09:00:01.112Z' } },
      Channel: 'Microsoft-Windows-Sysmon/Operational',
      Computer: 'LAB-WIN10-01',
      Execution: { '#attributes': { ProcessID: 3036, ThreadID: 4000 } },
    },
    EventData: { Image: 'C:\\Program Files\\Wireshark\\tshark.exe', CommandLine: 'tshark -i 1 -w x.pcap', ProcessId: 6116 },
  },
};
const xmltodict = {
  Event: {
    System: {
      Provider: { '@Name': 'Service Control Manager' },
      EventID: { '@Qualifiers': '16384', '#text': '7045' },
      Channel: 'System',
      Computer: 'LAB-WIN10-01',
    },
    EventData: {
      Data: [
        { '@Name': 'ServiceName', '#text': 'NPF' },
        { '@Name': 'ImagePath', '#text': 'system32\\drivers\\npf.sys' },
        { '@Name': 'AccountName' },
      ],
    },
  },
};

describe('event access', () => {
  it('reads flat keys, dotted paths into nested objects and arrays, and keys containing dots', () => {
    const ev = createEventAccessor({ 'a.b': 1, process: { parent: { name: 'x' } }, list: [{ n: 'p' }, { n: 'q' }], deep: { 'c.d': { e: 2 } } });
    expect(ev.get('a.b')).toBe(1);
    expect(ev.get('process.parent.name')).toBe('x');
    expect(ev.get('list.n')).toEqual(['p', 'q']);
    expect(ev.get('deep.c.d.e')).toBe(2);
    expect(ev.get('process.child')).toBeUndefined();
    expect(ev.get('missing')).toBeUndefined();
  });

  it('gives Windows System and EventData fields their Sigma names (evtx_dump shape)', () => {
    const ev = createEventAccessor(evtxDump);
    expect(ev.get('EventID')).toBe(1);
    expect(ev.get('Channel')).toBe('Microsoft-Windows-Sysmon/Operational');
    expect(ev.get('Provider_Name')).toBe('Microsoft-Windows-Sysmon');
    expect(ev.get('Execution_ProcessID')).toBe(3036);
    expect(ev.get('TimeCreated_SystemTime')).toBe('2026-11-26T09:00:01.112Z');
    expect(ev.get('Image')).toBe('C:\\Program Files\\Wireshark\\tshark.exe');
    expect(ev.get('Event.System.Computer')).toBe('LAB-WIN10-01');
  });

  it('reads Data Name=... arrays and {"#text"} EventIDs (xmltodict shape)', () => {
    const ev = createEventAccessor(xmltodict);
    expect(ev.get('EventID')).toBe('7045');
    expect(ev.get('Provider_Name')).toBe('Service Control Manager');
    expect(ev.get('EventID_Qualifiers')).toBe('16384');
    expect(ev.get('ServiceName')).toBe('NPF');
    expect(ev.get('AccountName')).toBeNull();
  });

  it('reaches data names with spaces also without them, as Sigma rules write them (Defender 5007 "New Value")', () => {
    const defender = {
      Event: {
        System: { EventID: 5007, Channel: 'Microsoft-Windows-Windows Defender/Operational', Provider: { '#attributes': { Name: 'Microsoft-Windows-Windows Defender' } } },
        EventData: { 'Old Value': '', 'New Value': 'HKLM\\SOFTWARE\\Microsoft\\Windows Defender\\Exclusions\\Paths\\C:\\x = 0x0' },
      },
    };
    const ev = createEventAccessor(defender);
    expect(ev.get('NewValue')).toBe(ev.get('New Value'));
    expect(ev.get('OldValue')).toBe('');
    const r = rule(`    sel:
        EventID: 5007
        NewValue|contains: '\\Microsoft\\Windows Defender\\Exclusions'
    condition: sel`, '{product: windows, service: windefend}');
    expect(matches(r, defender)).toBe(true);
    // UserData and Data-array names too
    const userData = createEventAccessor({ Event: { System: { EventID: 1 }, UserData: { X: { 'Threat Name': 'EICAR' } }, EventData: { Data: [{ '@Name': 'Process Name', '#text': 'a.exe' }] } } });
    expect([userData.get('ThreatName'), userData.get('ProcessName')]).toEqual(['EICAR', 'a.exe']);
  });

  it('rules match Windows event JSON by Sigma names, logsource included', () => {
    const r = rule(`    sel:\n        EventID: 7045\n        Provider_Name: 'Service Control Manager'\n        ImagePath|endswith: '\\npf.sys'\n    condition: sel`, '{product: windows, service: system}');
    expect(matches(r, xmltodict)).toBe(true);
    const pc = rule(`    sel:\n        Image|endswith: '\\tshark.exe'\n    condition: sel`, '{category: process_creation, product: windows}');
    expect(matches(pc, evtxDump)).toBe(true);
    expect(matches(pc, { ...evtxDump, Event: { ...evtxDump.Event, System: { ...evtxDump.Event.System, EventID: 7 } } })).toBe(false);
  });
});

describe('logsources', () => {
  const sysmon = (EventID: number, extra: Record<string, unknown> = {}) => ({ Channel: 'Microsoft-Windows-Sysmon/Operational', EventID, Image: 'C:\\x\\tcpdump.exe', ...extra });

  it('a process_creation rule fires on Sysmon EventID 1 only, not on 7 or 11 with the same Image', () => {
    const r = rule(`    sel:\n        Image|contains: 'tcpdump'\n    condition: sel`, '{category: process_creation}');
    expect(verdicts(r, [sysmon(1), sysmon(7), sysmon(11), { Channel: 'Linux-Sysmon/Operational', EventID: 1, Image: '/usr/sbin/tcpdump' }])).toEqual([true, false, false, true]);
  });

  it('product narrows: an image_load/windows rule ignores Linux Sysmon', () => {
    const r = rule(`    sel:\n        Image|contains: 'tcpdump'\n    condition: sel`, '{category: image_load, product: windows}');
    expect(verdicts(r, [sysmon(7), { Channel: 'Linux-Sysmon/Operational', EventID: 7, Image: 'tcpdump' }, sysmon(1)])).toEqual([true, false, false]);
  });

  it('an event that does not say what it is is evaluated on the detection alone', () => {
    const r = rule(`    sel:\n        Image|contains: 'tcpdump'\n    condition: sel`, '{category: process_creation, product: linux}');
    expect(verdicts(r, [{ Image: '/usr/sbin/tcpdump' }, { EventID: 7, Image: '/usr/sbin/tcpdump' }])).toEqual([true, true]);
  });

  it('service logsources follow the channel', () => {
    const r = rule(`    sel:\n        EventID: 4688\n    condition: sel`, '{product: windows, service: security}');
    expect(verdicts(r, [{ Channel: 'Security', EventID: 4688 }, { Channel: 'System', EventID: 4688 }])).toEqual([true, false]);
  });

  it('the map file is validated', () => {
    expect(() => parseLogsourceMap('sources:\n  - event: {}\n    logsource: {category: x}\n', 'm.yml')).toThrow(/m\.yml/);
    expect(() => parseLogsourceMap('sources:\n  - event: {A: 1}\n    logsource: {colour: x}\n', 'm.yml')).toThrow(/additional/);
  });
});

describe('pipelines apply to events', () => {
  const procRow = { Table: 'DeviceProcessEvents', FolderPath: 'C:\\Tools\\WinDump.exe', ProcessCommandLine: 'WinDump.exe -w x.pcap' };
  const loadRow = { Table: 'DeviceImageLoadEvents', FolderPath: 'C:\\Windows\\SysWOW64\\wpcap.dll', InitiatingProcessFolderPath: 'c:\\tools\\windump.exe' };

  it('a Sysmon-named rule is evaluated on Defender rows through the mapped IR', () => {
    const r = rule(`    sel:\n        Image|endswith: '\\windump.exe'\n    condition: sel`, '{category: process_creation, product: windows}', 'defender-xdr');
    expect(verdicts(r, [procRow, { ...procRow, Table: 'DeviceImageLoadEvents' }, { Image: 'C:\\Tools\\WinDump.exe' }])).toEqual([true, false, false]);
    const none = rule(`    sel:\n        Image|endswith: '\\windump.exe'\n    condition: sel`, '{category: process_creation, product: windows}');
    expect(matches(none, procRow)).toBe(false);
  });

  it('image_load maps Image to the initiating process and the table is checked', () => {
    const r = rule(`    sel:\n        ImageLoaded|endswith: '\\wpcap.dll'\n    filter:\n        Image|endswith: '\\tshark.exe'\n    condition: sel and not filter`, '{category: image_load, product: windows}', 'defender-xdr');
    expect(verdicts(r, [loadRow, { ...loadRow, InitiatingProcessFolderPath: 'c:\\program files\\wireshark\\tshark.exe' }, { ...loadRow, Table: 'DeviceProcessEvents' }])).toEqual([true, false, false]);
  });

  it('conditions the pipeline adds (ActionType) apply', () => {
    const r = rule(`    sel:\n        TargetFilename|endswith: '.pcap'\n    condition: sel`, '{category: file_event, product: windows}', 'defender-xdr');
    const row = { Table: 'DeviceFileEvents', FolderPath: 'C:\\t\\x.pcap' };
    expect(verdicts(r, [{ ...row, ActionType: 'FileCreated' }, { ...row, ActionType: 'FileDeleted' }])).toEqual([true, false]);
  });
});

describe('events files', () => {
  it('reads JSON Lines with line indices and reports bad lines', () => {
    const parsed = parseEvents('{"a":1}\n\n{"b":2}\nnot json\n[1]\n');
    expect(parsed.events.map((e) => e.index)).toEqual([0, 2]);
    expect(parsed.problems.map((p) => p.line)).toEqual([4, 5]);
  });

  it('reads a JSON array and a single pretty-printed object', () => {
    expect(parseEvents(' [{"a":1}, 2, {"b":2}]').events.map((e) => e.index)).toEqual([0, 2]);
    expect(parseEvents('{\n  "a": 1\n}\n').events).toEqual([{ index: 0, value: { a: 1 } }]);
  });
});
