/**
 * Writes test/telemetry/{ecs,splunk-windows}/<rule>.jsonl: every event of ../shared/sigmahq-regression/ (Windows
 * events as EVTX dumped to JSON) in the form the SIEM stores it, for the pipeline test
 * (test/telemetry/telemetry.test.ts). Each transformation below is a model of a documented vendor
 * behaviour, cited in test/telemetry/README.md; it is not derived from this project's pipelines.
 *
 *   node dist/scripts/telemetry-fixtures-ecs-splunk.js [regression-dir]
 */
import * as fs from 'fs';
import * as path from 'path';
import { readConcatenatedJson } from './concatenated-json';

type Json = Record<string, unknown>;

const ROOT = path.resolve(__dirname, '..', '..');

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function attr(v: unknown, name: string): unknown {
  return isObject(v) && isObject(v['#attributes']) ? (v['#attributes'] as Json)[name] : undefined;
}

function setPath(doc: Json, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let cur = doc;
  for (const k of keys.slice(0, -1)) {
    if (!isObject(cur[k])) cur[k] = {};
    cur = cur[k] as Json;
  }
  cur[keys[keys.length - 1] as string] = value;
}

interface WinEvent {
  readonly system: Json;
  readonly eventData: Json | null;
  /** The element inside UserData (e.g. Operation_ClientFailure) and its name. */
  readonly userData: { name: string; data: Json } | null;
}

function winEvent(o: unknown): WinEvent | null {
  if (!isObject(o) || !isObject(o.Event)) return null;
  const e = o.Event;
  const system = isObject(e.System) ? e.System : {};
  const eventData = isObject(e.EventData) ? e.EventData : null;
  let userData: WinEvent['userData'] = null;
  if (isObject(e.UserData)) {
    const [name, data] = Object.entries(e.UserData)[0] ?? [];
    if (name && isObject(data)) userData = { name, data };
  }
  return { system, eventData, userData };
}

const scalar = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** Event data without XML attribute blocks. */
function dataFields(d: Json | null): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(d ?? {})) if (k !== '#attributes') out[k] = v;
  return out;
}

// ------------------------------------------------------------------ Elastic Agent (ECS documents)

/**
 * Sysmon event ID -> event.category / event.type / event.action, as the Windows integration's
 * sysmon_operational ingest pipeline sets them.
 */
const SYSMON_CATEGORIES: Readonly<Record<string, readonly [string[], string[], string]>> = {
  '1': [['process'], ['start'], 'Process creation'],
  '2': [['file'], ['change'], 'A process changed a file creation time'],
  '3': [['network'], ['start', 'connection', 'protocol'], 'Network connection'],
  '5': [['process'], ['end'], 'Process terminated'],
  '6': [['driver'], ['start'], 'Driver loaded'],
  '7': [['process'], ['change'], 'Image loaded'],
  '8': [['process'], ['change'], 'CreateRemoteThread'],
  '9': [['process'], ['access'], 'RawAccessRead'],
  '10': [['process'], ['access'], 'ProcessAccess'],
  '11': [['file'], ['creation'], 'FileCreate'],
  '12': [['configuration', 'registry'], ['change'], 'RegistryEvent (Object create and delete)'],
  '13': [['configuration', 'registry'], ['change'], 'RegistryEvent (Value Set)'],
  '14': [['configuration', 'registry'], ['change'], 'RegistryEvent (Key and Value Rename)'],
  '15': [['file'], ['access'], 'FileCreateStreamHash'],
  '17': [['file'], ['creation'], 'PipeEvent (Pipe Created)'],
  '18': [['file'], ['access'], 'PipeEvent (Pipe Connected)'],
  '22': [['network'], ['connection', 'protocol', 'info'], 'DNSEvent (DNS query)'],
  '23': [['file'], ['deletion'], 'FileDelete (File Delete archived)'],
  '26': [['file'], ['deletion'], 'FileDeleteDetected (File Delete logged)'],
};

/** Event data renamed by the Sysmon ingest pipeline (removed from winlog.event_data). */
const SYSMON_RENAMES: Readonly<Record<string, string>> = {
  ProcessGuid: 'process.entity_id',
  Image: 'process.executable',
  SourceProcessGuid: 'process.entity_id',
  SourceProcessGUID: 'process.entity_id',
  SourceImage: 'process.executable',
  Destination: 'process.executable',
  CommandLine: 'process.command_line',
  CurrentDirectory: 'process.working_directory',
  ParentProcessGuid: 'process.parent.entity_id',
  ParentImage: 'process.parent.executable',
  ParentCommandLine: 'process.parent.command_line',
  TargetFilename: 'file.path',
  Device: 'file.path',
  PipeName: 'file.name',
  ImageLoaded: 'file.path',
  Protocol: 'network.transport',
  SourceHostname: 'source.domain',
  DestinationHostname: 'destination.domain',
  QueryName: 'dns.question.name',
  QueryStatus: 'sysmon.dns.status',
};
const SYSMON_NUMBERS: Readonly<Record<string, string>> = {
  ProcessId: 'process.pid',
  SourceProcessId: 'process.pid',
  SourceThreadId: 'process.thread.id',
  ParentProcessId: 'process.parent.pid',
  SourcePort: 'source.port',
  DestinationPort: 'destination.port',
};
/** Removed at the end of the Sysmon ingest pipeline. */
const SYSMON_REMOVED = new Set([
  'ProcessId', 'ParentProcessId', 'SourceProcessId', 'SourceThreadId', 'SourceIp', 'SourcePort', 'SourcePortName',
  'DestinationIp', 'DestinationPort', 'DestinationPortName', 'RuleName', 'User', 'Initiated', 'SourceIsIpv6',
  'DestinationIsIpv6', 'QueryStatus', 'Archived', 'IsExecutable', 'QueryResults', 'UtcTime', 'Hash', 'Hashes', 'TargetObject',
]);
const HIVES: Readonly<Record<string, string>> = {
  HKEY_CLASSES_ROOT: 'HKCR', HKCR: 'HKCR', HKEY_CURRENT_CONFIG: 'HKCC', HKCC: 'HKCC', HKEY_CURRENT_USER: 'HKCU', HKCU: 'HKCU',
  HKEY_LOCAL_MACHINE: 'HKLM', HKLM: 'HKLM', HKEY_USERS: 'HKU', HKU: 'HKU',
};

function baseEcs(ev: WinEvent, dataset: string): Json {
  const s = ev.system;
  const doc: Json = {};
  const code = scalar(s.EventID);
  setPath(doc, '@timestamp', attr(s.TimeCreated, 'SystemTime'));
  setPath(doc, 'event.code', code);
  setPath(doc, 'event.kind', 'event');
  setPath(doc, 'event.dataset', dataset);
  setPath(doc, 'event.module', dataset.split('.')[0]);
  setPath(doc, 'winlog.channel', s.Channel);
  setPath(doc, 'winlog.provider_name', attr(s.Provider, 'Name'));
  setPath(doc, 'winlog.provider_guid', attr(s.Provider, 'Guid'));
  setPath(doc, 'winlog.computer_name', s.Computer);
  setPath(doc, 'winlog.event_id', code);
  setPath(doc, 'winlog.record_id', scalar(s.EventRecordID));
  setPath(doc, 'winlog.keywords', s.Keywords);
  setPath(doc, 'host.name', s.Computer);
  const uid = attr(s.Security, 'UserID');
  if (uid !== undefined) setPath(doc, 'winlog.user.identifier', uid);
  return doc;
}

/** Winlogbeat writes event data names with `_` for spaces. */
const winlogKey = (k: string) => k.replace(/ /g, '_');

export function toEcs(ev: WinEvent): Json {
  const channel = scalar(ev.system.Channel);
  if (channel !== 'Microsoft-Windows-Sysmon/Operational') {
    const dataset =
      channel === 'Security' ? 'system.security' : channel === 'System' ? 'system.system' : channel === 'Application' ? 'system.application' : 'winlog.winlog';
    const doc = baseEcs(ev, dataset);
    const data: Json = {};
    for (const [k, v] of Object.entries(dataFields(ev.eventData))) data[winlogKey(k)] = typeof v === 'number' ? String(v) : v;
    if (Object.keys(data).length) setPath(doc, 'winlog.event_data', data);
    if (ev.userData) {
      const ud: Json = { xml_name: ev.userData.name };
      for (const [k, v] of Object.entries(ev.userData.data)) if (k !== '#attributes') ud[k] = typeof v === 'number' ? String(v) : v;
      setPath(doc, 'winlog.user_data', ud);
    }
    return doc;
  }
  const doc = baseEcs(ev, 'windows.sysmon_operational');
  const code = scalar(ev.system.EventID);
  const cat = SYSMON_CATEGORIES[code];
  if (cat) {
    setPath(doc, 'event.category', cat[0]);
    setPath(doc, 'event.type', cat[1]);
    setPath(doc, 'event.action', cat[2]);
  }
  // Empty values are dropped first.
  const data: Json = {};
  for (const [k, v] of Object.entries(dataFields(ev.eventData))) {
    if (v === null || v === '' || v === '-' || v === '{00000000-0000-0000-0000-000000000000}') continue;
    data[k] = typeof v === 'number' ? String(v) : v;
  }
  if (typeof data.RuleName === 'string') setPath(doc, 'rule.name', data.RuleName);
  if (code === '25' && data.Type !== undefined) {
    setPath(doc, 'message', data.Type);
    delete data.Type;
  }
  const hashes = scalar(data.Hashes ?? data.Hash);
  if (hashes) {
    const where = ['1', '23', '24', '25'].includes(code) ? 'process' : ['6', '7', '15', '26', '29'].includes(code) ? 'file' : null;
    for (const pair of hashes.split(',')) {
      const [k, v] = pair.split('=');
      if (!k || !v || /^0*$/.test(v) || !where) continue;
      const key = k.toLowerCase();
      setPath(doc, key === 'imphash' ? `${where}.pe.imphash` : `${where}.hash.${key}`, v.toLowerCase());
    }
  }
  for (const [from, to] of Object.entries(SYSMON_RENAMES)) {
    if (data[from] === undefined) continue;
    setPath(doc, to, data[from]);
    delete data[from];
  }
  for (const [from, to] of Object.entries(SYSMON_NUMBERS)) if (data[from] !== undefined) setPath(doc, to, Number(data[from]));
  if (data.SourceIp !== undefined) setPath(doc, 'source.ip', data.SourceIp);
  if (data.DestinationIp !== undefined) setPath(doc, 'destination.ip', data.DestinationIp);
  if (data.Initiated !== undefined) setPath(doc, 'network.direction', data.Initiated === 'true' ? 'egress' : 'ingress');
  if (code === '22') setPath(doc, 'network.protocol', 'dns');
  // PE metadata: process.pe.* except for image loads, whose DLL metadata goes to file.pe.* (copies: the
  // event data keeps Company, Description, FileVersion, Product).
  const pe = code === '7' ? 'file.pe' : 'process.pe';
  if (data.OriginalFileName !== undefined) {
    setPath(doc, `${pe}.original_file_name`, data.OriginalFileName);
    delete data.OriginalFileName;
  }
  for (const [k, f] of [['Company', 'company'], ['Description', 'description'], ['FileVersion', 'file_version'], ['Product', 'product']] as const) {
    if (data[k] !== undefined) setPath(doc, `${pe}.${f}`, data[k]);
  }
  if (data.Signature !== undefined) setPath(doc, 'file.code_signature.subject_name', data.Signature);
  if (data.SignatureStatus !== undefined) setPath(doc, 'file.code_signature.status', data.SignatureStatus);
  const exe = (doc.process as Json | undefined)?.executable;
  if (typeof exe === 'string' && exe.includes('\\')) setPath(doc, 'process.name', exe.slice(exe.lastIndexOf('\\') + 1));
  const parentExe = ((doc.process as Json | undefined)?.parent as Json | undefined)?.executable;
  if (typeof parentExe === 'string' && parentExe.includes('\\')) setPath(doc, 'process.parent.name', parentExe.slice(parentExe.lastIndexOf('\\') + 1));
  const filePath = (doc.file as Json | undefined)?.path;
  if (typeof filePath === 'string' && filePath.includes('\\')) {
    const i = filePath.lastIndexOf('\\');
    setPath(doc, 'file.name', filePath.slice(i + 1));
    setPath(doc, 'file.directory', filePath.slice(0, i));
    const dot = filePath.lastIndexOf('.');
    if (dot > i) setPath(doc, 'file.extension', filePath.slice(dot + 1));
  }
  // User "DOMAIN\name" is split.
  if (typeof data.User === 'string') {
    const parts = data.User.split('\\');
    if (parts.length === 2) {
      setPath(doc, 'user.domain', parts[0]);
      setPath(doc, 'user.name', parts[1]);
    }
  }
  const uid = ((doc.winlog as Json).user as Json | undefined)?.identifier;
  if (uid !== undefined) setPath(doc, 'user.id', uid);
  // Registry events: TargetObject -> registry.*; Details -> registry.data (DWORD / QWORD as decimal).
  if (['12', '13', '14'].includes(code) && typeof data.TargetObject === 'string') {
    const p = data.TargetObject;
    setPath(doc, 'registry.path', p);
    const tokens = p.split('\\');
    const hive = HIVES[tokens[0] ?? ''];
    if (hive) {
      setPath(doc, 'registry.hive', hive);
      if (tokens.length > 1) setPath(doc, 'registry.key', tokens.slice(1).join('\\'));
    }
    setPath(doc, 'registry.value', tokens[tokens.length - 1]);
    const details = data.Details;
    if (typeof details === 'string' && details !== '') {
      const dword = /^DWORD \((0x[0-9A-F]{8})\)$/i.exec(details);
      const qword = /^QWORD \((0x[0-9A-F]{8})-(0x[0-9A-F]{8})\)$/i.exec(details);
      if (qword) setPath(doc, 'registry.data', { strings: [String((parseInt(qword[1] as string, 16) << 8) + parseInt(qword[2] as string, 16))], type: 'SZ_QWORD' });
      else if (dword) setPath(doc, 'registry.data', { strings: [String(parseInt(dword[1] as string, 16))], type: 'SZ_DWORD' });
      else setPath(doc, 'registry.data', { strings: [details], type: details === 'Binary Data' ? 'REG_BINARY' : 'REG_SZ' });
    }
  }
  if (data.TargetProcessGuid !== undefined) {
    data.TargetProcessGUID = data.TargetProcessGuid;
    delete data.TargetProcessGuid;
  }
  for (const k of SYSMON_REMOVED) delete data[k];
  if (Object.keys(data).length) setPath(doc, 'winlog.event_data', data);
  return doc;
}

// ------------------------------------------------------------------ Splunk (search-time fields)

/** Splunk cleans field names at search time: anything but letters, digits and `_` becomes `_`. */
const splunkKey = (k: string) => k.replace(/[^A-Za-z0-9_]/g, '_');

export function toSplunk(ev: WinEvent): Json {
  const s = ev.system;
  const channel = scalar(s.Channel);
  const code = scalar(s.EventID);
  const out: Json = {
    _time: attr(s.TimeCreated, 'SystemTime'),
    host: s.Computer,
    source: `XmlWinEventLog:${channel}`,
    sourcetype: 'XmlWinEventLog',
    EventCode: code,
    EventID: code,
    Channel: channel,
    Computer: s.Computer,
    Keywords: s.Keywords,
    Level: scalar(s.Level),
    Opcode: scalar(s.Opcode),
    Task: scalar(s.Task),
    EventRecordID: scalar(s.EventRecordID),
    Guid: attr(s.Provider, 'Guid'),
    Provider_Name: attr(s.Provider, 'Name'),
  };
  for (const [k, v] of Object.entries(dataFields(ev.eventData))) out[splunkKey(k)] = scalar(v);
  if (ev.userData) for (const [k, v] of Object.entries(ev.userData.data)) if (k !== '#attributes') out[splunkKey(k)] = scalar(v);
  return out;
}

// ------------------------------------------------------------------ files

function* ruleFolders(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* ruleFolders(full);
    else if (entry.name === 'info.yml') yield dir;
  }
}

function main(): void {
  const regression = path.resolve(process.argv[2] ?? path.join(ROOT, '..', 'shared', 'sigmahq-regression'));
  const outRoot = path.join(ROOT, 'test', 'telemetry');
  const written = { ecs: 0, 'splunk-windows': 0 };
  for (const folder of [...ruleFolders(regression)].sort()) {
    const events = fs
      .readdirSync(folder)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .flatMap((f) => readConcatenatedJson(fs.readFileSync(path.join(folder, f), 'utf8')))
      .map(winEvent)
      .filter((e): e is WinEvent => e !== null);
    if (!events.length) continue;
    const name = path.relative(regression, folder).split(path.sep).join('__');
    for (const [pipeline, transform] of [['ecs', toEcs], ['splunk-windows', toSplunk]] as const) {
      const dir = path.join(outRoot, pipeline);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `${name}.jsonl`), events.map((e) => JSON.stringify(transform(e))).join('\n') + '\n');
      written[pipeline]++;
    }
  }
  console.log(`wrote ${written.ecs} ecs and ${written['splunk-windows']} splunk-windows fixture files under ${outRoot}`);
}

if (require.main === module) main();
