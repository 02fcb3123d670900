/**
 * Writes test/telemetry/<pipeline>/*.jsonl: each Sysmon event of ../shared/sigmahq-regression as Microsoft
 * Defender XDR stores the same activity (one row of a Device* table), for the defender-xdr pipeline (`Table`,
 * as advanced hunting exports name it) and the sentinel pipeline (`Type`, as Log Analytics names it). The
 * column forms follow Microsoft's table references (see test/telemetry/README.md); they are written here
 * independently of the pipelines' value transformations, which the fixtures test.
 * Run: npm run build && node dist/scripts/telemetry-fixtures.js
 */
import * as fs from 'fs';
import * as path from 'path';
import { readConcatenatedJson } from './concatenated-json';

const ROOT = path.resolve(__dirname, '..', '..');
const REGRESSION = path.resolve(ROOT, '..', 'shared', 'sigmahq-regression');

type Row = Record<string, string | number>;
type Data = Readonly<Record<string, unknown>>;

const text = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const fileName = (p: string): string => p.slice(p.lastIndexOf('\\') + 1);

/** 'DOMAIN\name' -> the two account columns (Defender keeps them apart). */
function account(prefix: string, user: unknown): Row {
  const u = text(user);
  const at = u.indexOf('\\');
  return at < 0 ? { [`${prefix}AccountName`]: u } : { [`${prefix}AccountDomain`]: u.slice(0, at), [`${prefix}AccountName`]: u.slice(at + 1) };
}

/** Sysmon 'SHA1=..,MD5=..' -> MD5 / SHA1 / SHA256 columns, lower-case hex (IMPHASH has no column). */
function hashes(prefix: string, list: unknown): Row {
  const row: Row = {};
  for (const item of text(list).split(',')) {
    const [algo, hex] = item.split('=');
    if (algo && hex && ['MD5', 'SHA1', 'SHA256'].includes(algo.toUpperCase())) row[`${prefix}${algo.toUpperCase()}`] = hex.toLowerCase();
  }
  return row;
}

function process(d: Data): Row {
  return {
    InitiatingProcessFolderPath: text(d.Image),
    InitiatingProcessFileName: fileName(text(d.Image)),
    InitiatingProcessId: Number(d.ProcessId ?? 0),
    ...account('InitiatingProcess', d.User),
  };
}

/** Registry hives as Defender writes them (full names). */
function hive(key: string): string {
  const rules: [string, string][] = [
    ['HKLM\\', 'HKEY_LOCAL_MACHINE\\'],
    ['HKU\\', 'HKEY_USERS\\'],
  ];
  for (const [short, full] of rules) if (key.toUpperCase().startsWith(short)) return full + key.slice(short.length);
  return key;
}

const REGISTRY_ACTION: Readonly<Record<string, string>> = {
  CreateKey: 'RegistryKeyCreated',
  DeleteKey: 'RegistryKeyDeleted',
  RenameKey: 'RegistryKeyRenamed',
  SetValue: 'RegistryValueSet',
  DeleteValue: 'RegistryValueDeleted',
};

/** Sysmon's registry data text -> Defender's RegistryValueData / RegistryValueType. */
function registryData(details: string): Row {
  const dword = /^DWORD \(0x([0-9a-f]{8})\)$/i.exec(details);
  if (dword) return { RegistryValueType: 'Dword', RegistryValueData: String(parseInt(dword[1] as string, 16)) };
  const qword = /^QWORD \(0x([0-9a-f]{8})-0x([0-9a-f]{8})\)$/i.exec(details);
  if (qword) return { RegistryValueType: 'Qword', RegistryValueData: ((BigInt(`0x${qword[1]}`) << 32n) | BigInt(`0x${qword[2]}`)).toString() };
  if (details === '(Empty)') return { RegistryValueType: 'String', RegistryValueData: '' };
  return { RegistryValueType: 'String', RegistryValueData: details };
}

/** One Sysmon event as the Defender row recording the same activity, or null for events Defender keeps elsewhere. */
export function defenderRow(eventId: number, d: Data, computer: string): Row | null {
  const base = { DeviceName: computer.toLowerCase(), Timestamp: text(d.UtcTime) };
  switch (eventId) {
    case 1:
      return {
        Table: 'DeviceProcessEvents',
        ...base,
        ActionType: 'ProcessCreated',
        FolderPath: text(d.Image),
        FileName: fileName(text(d.Image)),
        ProcessCommandLine: text(d.CommandLine),
        ProcessVersionInfoOriginalFileName: text(d.OriginalFileName),
        ProcessVersionInfoProductName: text(d.Product),
        ProcessVersionInfoCompanyName: text(d.Company),
        ProcessVersionInfoFileDescription: text(d.Description),
        ProcessIntegrityLevel: text(d.IntegrityLevel),
        ProcessId: Number(d.ProcessId ?? 0),
        LogonId: parseInt(text(d.LogonId) || '0', 16),
        ...account('', d.User),
        ...hashes('', d.Hashes),
        InitiatingProcessFolderPath: text(d.ParentImage),
        InitiatingProcessFileName: fileName(text(d.ParentImage)),
        InitiatingProcessCommandLine: text(d.ParentCommandLine),
        InitiatingProcessId: Number(d.ParentProcessId ?? 0),
        ...(d.ParentUser !== undefined ? account('InitiatingProcess', d.ParentUser) : {}),
      };
    case 7:
      return { Table: 'DeviceImageLoadEvents', ...base, ActionType: 'ImageLoaded', FolderPath: text(d.ImageLoaded), FileName: fileName(text(d.ImageLoaded)), ...hashes('', d.Hashes), ...process(d) };
    case 11:
      return { Table: 'DeviceFileEvents', ...base, ActionType: 'FileCreated', FolderPath: text(d.TargetFilename), FileName: fileName(text(d.TargetFilename)), ...process(d) };
    case 12:
    case 13:
    case 14: {
      const action = REGISTRY_ACTION[text(d.EventType)];
      if (!action) return null;
      const target = hive(text(d.TargetObject));
      const valueEvent = action.startsWith('RegistryValue');
      const cut = target.lastIndexOf('\\');
      const name = valueEvent ? target.slice(cut + 1) : '';
      return {
        Table: 'DeviceRegistryEvents',
        ...base,
        ActionType: action,
        RegistryKey: valueEvent ? target.slice(0, cut) : target,
        // Defender leaves the name of a key's default value empty where Sysmon writes '(Default)'.
        RegistryValueName: name === '(Default)' ? '' : name,
        ...(eventId === 13 ? registryData(text(d.Details)) : {}),
        ...process(d),
      };
    }
    default:
      return null;
  }
}

function isObject(v: unknown): v is Data {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The Sysmon EventID and EventData of an EVTX-as-JSON event, or null. */
export function sysmonEvent(e: unknown): { eventId: number; data: Data; computer: string } | null {
  const ev = isObject(e) && isObject(e.Event) ? e.Event : null;
  const system = ev && isObject(ev.System) ? ev.System : null;
  const data = ev && isObject(ev.EventData) ? ev.EventData : null;
  if (!system || !data || system.Channel !== 'Microsoft-Windows-Sysmon/Operational') return null;
  const id = isObject(system.EventID) ? system.EventID['#text'] : system.EventID;
  return { eventId: Number(id), data, computer: text(system.Computer) };
}

/** A Sysmon event as a row of Sentinel's WindowsEvent table: Channel, EventID, Computer, Provider columns, EventData dynamic. */
function windowsEventRow(e: { eventId: number; data: Data; computer: string }, source: string): Record<string, unknown> {
  return {
    Type: 'WindowsEvent',
    TimeGenerated: text(e.data.UtcTime),
    Computer: e.computer,
    Channel: 'Microsoft-Windows-Sysmon/Operational',
    Provider: 'Microsoft-Windows-Sysmon',
    EventID: e.eventId,
    EventData: e.data,
    _source: source,
  };
}

function main(): void {
  const out = path.join(ROOT, 'test', 'telemetry');
  const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
  let written = 0;
  for (const file of walk(REGRESSION).filter((f) => f.endsWith('.json')).sort()) {
    const rel = path.relative(REGRESSION, file).split(path.sep).join('/');
    const events = readConcatenatedJson(fs.readFileSync(file, 'utf8')).map((e, i) => ({ e: sysmonEvent(e), source: `${rel}#${i}` }));
    const rows = events.flatMap(({ e, source }) => {
      const row = e ? defenderRow(e.eventId, e.data, e.computer) : null;
      return row ? [{ row, source }] : [];
    });
    const folder = path.basename(path.dirname(file));
    for (const [pipeline, tableKey, timeKey] of [['defender-xdr', 'Table', 'Timestamp'], ['sentinel', 'Type', 'TimeGenerated']] as const) {
      const lines = rows.map(({ row, source }) => {
        const { Table, Timestamp, ...rest } = row;
        return JSON.stringify({ [tableKey]: Table, [timeKey]: Timestamp, ...rest, _source: source });
      });
      // Sentinel also receives the Sysmon events themselves in WindowsEvent (Azure Monitor Agent), EventData as a dynamic column.
      if (pipeline === 'sentinel') for (const { e, source } of events) if (e) lines.push(JSON.stringify(windowsEventRow(e, source)));
      if (!lines.length) continue;
      fs.mkdirSync(path.join(out, pipeline), { recursive: true });
      fs.writeFileSync(path.join(out, pipeline, `${folder}.jsonl`), lines.join('\n') + '\n');
    }
    written++;
  }
  console.log(`telemetry fixtures: ${written} regression folders written for defender-xdr and sentinel`);
}

if (require.main === module) main();
