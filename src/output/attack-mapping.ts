import type { AttackData } from './metadata';
import { own } from '../core/own';

export interface TacticRef {
  readonly tag: string;
  readonly id: string;
  readonly name: string;
  /** PascalCase form (Sentinel tactics, Defender alert category). */
  readonly key: string;
  readonly reference: string;
}

export interface TechniqueRef {
  readonly id: string;
  readonly name: string;
  readonly reference: string;
  /** For a sub-technique: its parent technique id. */
  readonly parent: string | null;
}

/** Elastic's threat entry: one tactic with the techniques (and sub-techniques) under it. */
export interface ThreatEntry {
  readonly framework: 'MITRE ATT&CK';
  readonly tactic: { readonly id: string; readonly name: string; readonly reference: string };
  readonly technique: readonly {
    readonly id: string;
    readonly name: string;
    readonly reference: string;
    readonly subtechnique: readonly { readonly id: string; readonly name: string; readonly reference: string }[];
  }[];
}

export interface AttackMapping {
  readonly tactics: readonly TacticRef[];
  readonly techniques: readonly TechniqueRef[];
  /** Technique ids, sub-techniques included (Sentinel relevantTechniques, Defender mitreTechniques, Splunk ES). */
  readonly techniqueIds: readonly string[];
  /** Top-level technique ids only (Sentinel's ARM `techniques` accepts no sub-techniques). */
  readonly parentTechniqueIds: readonly string[];
  readonly threat: readonly ThreatEntry[];
  /** attack.* tags the data file does not know: kept out of SIEM mappings, listed for the reader. */
  readonly unknownTags: readonly string[];
}

const TECHNIQUE_TAG = /^t(\d{4})(?:\.(\d{3}))?$/;
const OTHER_ATTACK_TAG = /^(g|s|ds|m|a)\d{4}$/;

function techniqueUrl(id: string): string {
  return `https://attack.mitre.org/techniques/${id.replace('.', '/')}/`;
}

/** Maps a rule's attack.* tags to ATT&CK tactics and techniques by id and name, using shipped data only. */
export function mapAttackTags(tags: readonly string[], data: AttackData): AttackMapping {
  const tactics: TacticRef[] = [];
  const techniques: TechniqueRef[] = [];
  const unknownTags: string[] = [];
  const seen = new Set<string>();
  for (const raw of tags) {
    const tag = raw.toLowerCase();
    if (!tag.startsWith('attack.') || seen.has(tag)) continue;
    seen.add(tag);
    const rest = tag.slice('attack.'.length);
    const tech = TECHNIQUE_TAG.exec(rest);
    if (tech) {
      const id = `T${tech[1]}${tech[2] ? '.' + tech[2] : ''}`;
      const info = own(data.techniques, id);
      if (!info) {
        unknownTags.push(raw);
        continue;
      }
      techniques.push({ id, name: info.name, reference: techniqueUrl(id), parent: tech[2] ? `T${tech[1]}` : null });
      continue;
    }
    if (OTHER_ATTACK_TAG.test(rest)) continue; // groups, software, mitigations: not part of a detection's mapping
    const tactic = own(data.tactics, rest);
    if (!tactic) {
      unknownTags.push(raw);
      continue;
    }
    tactics.push({ tag: rest, ...tactic, reference: `https://attack.mitre.org/tactics/${tactic.id}/` });
  }
  const techniqueIds = techniques.map((t) => t.id);
  const parentTechniqueIds = [...new Set(techniques.map((t) => t.parent ?? t.id))];
  return { tactics, techniques, techniqueIds, parentTechniqueIds, threat: buildThreat(tactics, techniques, data), unknownTags };
}

/** Techniques go under the rule's tactics they belong to (all of them when the data does not say). */
function buildThreat(tactics: readonly TacticRef[], techniques: readonly TechniqueRef[], data: AttackData): ThreatEntry[] {
  return tactics.map((tactic) => {
    const fits = (t: TechniqueRef) => {
      const listed = own(data.techniques, t.id)?.tactics ?? (t.parent ? own(data.techniques, t.parent)?.tactics : undefined);
      return !listed || listed.includes(tactic.tag);
    };
    const chosen = techniques.filter(fits);
    const parents = [...new Set(chosen.map((t) => t.parent ?? t.id))];
    return {
      framework: 'MITRE ATT&CK' as const,
      tactic: { id: tactic.id, name: tactic.name, reference: tactic.reference },
      technique: parents.map((pid) => ({
        id: pid,
        name: own(data.techniques, pid)?.name ?? pid,
        reference: techniqueUrl(pid),
        subtechnique: chosen.filter((t) => t.parent === pid).map((t) => ({ id: t.id, name: t.name, reference: t.reference })),
      })),
    };
  });
}
