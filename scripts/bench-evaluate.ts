/**
 * Evaluation throughput of `sigma-convert test`: the T1040 pack (3 rules) on 1,000,000 generated events.
 * Run: npx tsc -p . && node dist/scripts/bench-evaluate.js [events]
 *
 * Events are drawn from a pool of distinct generated events (Sysmon process creations and image loads on
 * Windows and Linux, with random paths and command lines, about 2% of them packet-capture activity), so
 * every evaluation reads a fresh event object through a fresh accessor, as a real run does.
 */
import * as fs from 'fs';
import * as path from 'path';
import { createFsLoader, projectRoot } from '../src/cli/fs-loader';
import { createEventAccessor } from '../src/evaluate/event-accessor';
import { RuleTester } from '../src/evaluate/rule-tester';
import { seededRandom } from './seeded-random';

export interface EvaluateBenchResult {
  readonly events: number;
  readonly rules: number;
  readonly matches: number;
  /** Events per second, objects already in memory (accessor, logsource classification, 3 rules). */
  readonly eventsPerSecond: number;
  /** Events per second from JSON Lines text: JSON.parse included. */
  readonly eventsPerSecondFromJson: number;
  /** Events per second of this process's CPU time (in memory): steadier than wall time on a shared machine. */
  readonly eventsPerCpuSecond: number;
}

const prng = seededRandom;

const WIN_TOOLS = ['C:\\Windows\\System32\\cmd.exe', 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', 'C:\\Windows\\explorer.exe', 'C:\\Windows\\System32\\svchost.exe', 'C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE', 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', 'C:\\Users\\dev\\AppData\\Local\\Programs\\Python\\Python312\\python.exe'];
const LINUX_TOOLS = ['/usr/bin/bash', '/usr/bin/python3', '/usr/bin/ls', '/usr/sbin/sshd', '/usr/bin/curl', '/usr/bin/grep', '/usr/lib/systemd/systemd'];
const DLLS = ['C:\\Windows\\System32\\kernel32.dll', 'C:\\Windows\\System32\\ntdll.dll', 'C:\\Windows\\System32\\user32.dll', 'C:\\Program Files\\Google\\Chrome\\Application\\chrome_elf.dll', 'C:\\Windows\\System32\\ws2_32.dll'];
const SUSPICIOUS: Record<string, unknown>[] = [
  { EventID: 1, Channel: 'Linux-Sysmon/Operational', Image: '/usr/sbin/tcpdump', CommandLine: 'tcpdump -i any -w /tmp/c.pcap' },
  { EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', Image: 'C:\\Program Files\\Wireshark\\tshark.exe', CommandLine: 'tshark -i 1 -f "port 21" -w c.pcapng' },
  { EventID: 7, Channel: 'Microsoft-Windows-Sysmon/Operational', Image: 'C:\\Tools\\WinDump.exe', ImageLoaded: 'C:\\Windows\\SysWOW64\\wpcap.dll' },
  { EventID: 1, Channel: 'Linux-Sysmon/Operational', Image: '/usr/bin/python3', CommandLine: 'python3 -c "import socket; socket.socket(socket.AF_PACKET, socket.SOCK_RAW)"' },
];

function word(r: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(97 + Math.floor(r() * 26));
  return s;
}

export function generateEvents(count: number, seed = 1040): Record<string, unknown>[] {
  const r = prng(seed);
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const common = { UtcTime: `2026-11-26 10:${String(i % 60).padStart(2, '0')}:00.000`, ProcessId: 1000 + Math.floor(r() * 60000), User: `LAB\\${word(r, 6)}`, Computer: `host-${word(r, 4)}` };
    const roll = r();
    if (roll < 0.02) {
      out.push({ ...common, ...(SUSPICIOUS[Math.floor(r() * SUSPICIOUS.length)] as Record<string, unknown>) });
    } else if (roll < 0.45) {
      const image = WIN_TOOLS[Math.floor(r() * WIN_TOOLS.length)] as string;
      out.push({ ...common, EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', Image: image, CommandLine: `"${image}" --${word(r, 5)} ${word(r, 12)} /${word(r, 3)} C:\\Users\\${word(r, 6)}\\${word(r, 8)}.txt`, ParentImage: 'C:\\Windows\\explorer.exe', ParentCommandLine: 'C:\\Windows\\Explorer.EXE', CurrentDirectory: 'C:\\Users\\x\\', IntegrityLevel: 'Medium' });
    } else if (roll < 0.75) {
      const image = LINUX_TOOLS[Math.floor(r() * LINUX_TOOLS.length)] as string;
      out.push({ ...common, EventID: 1, Channel: 'Linux-Sysmon/Operational', Image: image, CommandLine: `${path.basename(image)} -${word(r, 2)} /home/${word(r, 5)}/${word(r, 9)}`, ParentImage: '/usr/bin/bash', CurrentDirectory: '/root' });
    } else {
      out.push({ ...common, EventID: 7, Channel: 'Microsoft-Windows-Sysmon/Operational', Image: WIN_TOOLS[Math.floor(r() * WIN_TOOLS.length)], ImageLoaded: DLLS[Math.floor(r() * DLLS.length)], Signed: 'true', Signature: 'Microsoft Windows' });
    }
  }
  return out;
}

export function benchEvaluate(total = 1_000_000, root = projectRoot()): EvaluateBenchResult {
  const tester = new RuleTester(createFsLoader(root));
  const rulesFile = path.join(root, 'sigma/t1040/net_sniffing_t1040.yml');
  const rules = tester.prepareText(fs.readFileSync(rulesFile, 'utf8'), rulesFile);
  const failed = rules.filter((r) => r.errors.length);
  if (failed.length) throw new Error(`T1040 rules do not compile: ${failed.map((r) => r.errors[0]?.message).join('; ')}`);
  const pool = generateEvents(20_000);
  const lines = pool.map((e) => JSON.stringify(e));

  const run = (get: (i: number) => Record<string, unknown>): { seconds: number; cpuSeconds: number; matches: number } => {
    let matches = 0;
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    for (let i = 0; i < total; i++) {
      const ev = tester.prepareEvent(createEventAccessor(get(i % pool.length)));
      for (const rule of rules) if (rule.matches(ev)) matches++;
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const used = process.cpuUsage(cpu);
    return { seconds, cpuSeconds: (used.user + used.system) / 1e6, matches };
  };
  run((i) => pool[i] as Record<string, unknown>); // warm-up: let the JIT see the hot paths
  const inMemory = run((i) => pool[i] as Record<string, unknown>);
  const fromJson = run((i) => JSON.parse(lines[i] as string) as Record<string, unknown>);
  return {
    events: total,
    rules: rules.length,
    matches: inMemory.matches,
    eventsPerSecond: Math.round(total / inMemory.seconds),
    eventsPerSecondFromJson: Math.round(total / fromJson.seconds),
    eventsPerCpuSecond: Math.round(total / inMemory.cpuSeconds),
  };
}

if (require.main === module) {
  const total = Number(process.argv[2] ?? 1_000_000);
  const r = benchEvaluate(total);
  process.stdout.write(
    `evaluate: T1040 pack (${r.rules} rules) on ${r.events.toLocaleString('en')} generated events: ` +
      `${r.eventsPerSecond.toLocaleString('en')} events/s in memory (${r.eventsPerCpuSecond.toLocaleString('en')} per CPU second), ` +
      `${r.eventsPerSecondFromJson.toLocaleString('en')} events/s from JSON Lines (${r.matches} matches)\n`,
  );
}
