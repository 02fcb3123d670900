import type { AttackData } from '../output/metadata';

import { own } from '../core/own';
/**
 * Tag namespaces of the Sigma tags appendix (v2.1.0) and the form each one prescribes. A tag in an
 * unknown namespace is allowed by the specification ("feel free to propose new tags"), so it is
 * only worth a warning; so is a known namespace with a value of the wrong form.
 */
const ATTACK_TACTICS = new Set([
  'initial-access', 'execution', 'persistence', 'privilege-escalation', 'defense-evasion', 'credential-access',
  'discovery', 'lateral-movement', 'collection', 'exfiltration', 'command-and-control', 'impact',
  // Tactics ATT&CK added after the appendix was written; SigmaHQ rules use them.
  'reconnaissance', 'resource-development',
  // ATT&CK v18 split Defense Evasion into these two.
  'stealth', 'defense-impairment',
]);

const NAMESPACES: Readonly<Record<string, { test: (v: string) => boolean; expected: string }>> = {
  attack: {
    test: (v) => /^(t\d{4}(\.\d{3})?|g\d{4}|s\d{4}|ds\d{4}|m\d{4}|a\d{4})$/.test(v) || ATTACK_TACTICS.has(v),
    expected: 'a technique t1234 or t1234.001, a group g1234, software s1234, data source ds1234, mitigation m1234, asset a1234, or a tactic name such as defense-evasion',
  },
  car: { test: (v) => /^\d{4}-\d{2}-\d{3}$/.test(v), expected: 'a CAR analytic id such as 2016-04-005' },
  cve: { test: (v) => /^\d{4}-\d{4,}$/.test(v), expected: 'a CVE id such as 2021-44228' },
  // The appendix's own example d3fend.d3f-WindowsNtOpenFile keeps the artifact's case.
  d3fend: { test: (v) => /^d3f?-[A-Za-z0-9-]+$/.test(v) || ['model', 'harden', 'detect', 'isolate', 'deceive', 'evict'].includes(v), expected: 'd3-<technique>, d3f-<artifact> or a tactic' },
  detection: { test: (v) => ['dfir', 'emerging-threats', 'threat-hunting'].includes(v), expected: 'dfir, emerging-threats or threat-hunting' },
  stp: { test: (v) => /^[1-5][auk]?$/.test(v), expected: 'an analytic score 1-5, optionally followed by a, u or k (e.g. stp.3k)' },
  tlp: { test: (v) => ['red', 'amber', 'amber-strict', 'green', 'clear'].includes(v), expected: 'red, amber, amber-strict, green or clear' },
};

/** A warning message for a tag that does not follow its namespace, or null when it does. */
export function checkTagNamespace(tag: string): string | null {
  const dot = tag.indexOf('.');
  if (dot <= 0) return null; // the schema's pattern already reports tags without a namespace
  const ns = tag.slice(0, dot);
  const value = tag.slice(dot + 1);
  const rule = own(NAMESPACES, ns);
  if (!rule) return `tag '${tag}' uses namespace '${ns}', which the Sigma tags appendix does not define (known: ${Object.keys(NAMESPACES).join(', ')}); check the spelling`;
  if (!rule.test(value)) return `tag '${tag}': in namespace '${ns}' the value should be ${rule.expected}`;
  return null;
}

/** A warning for an attack.t#### tag whose technique the shipped ATT&CK data does not know, or retired; else null. */
export function checkAttackTechnique(tag: string, attack: AttackData): string | null {
  const m = /^attack\.t(\d{4})(\.\d{3})?$/i.exec(tag);
  if (!m) return null;
  const id = `T${m[1]}${m[2] ?? ''}`;
  if (!attack.techniques.has(id)) {
    return `tag '${tag}': ATT&CK v${attack.version} has no technique ${id}; check the id (an id newer than v${attack.version} is kept by id, without a name, in the rule formats)`;
  }
  const retired = attack.retired.get(id);
  if (retired) return `tag '${tag}': technique ${id} (${attack.techniques.get(id)?.name}) is ${retired} in ATT&CK v${attack.version}; tag the technique that replaces it`;
  return null;
}
