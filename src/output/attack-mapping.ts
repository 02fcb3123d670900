import type { AttackData } from './metadata';
import { SigmaError } from '../core/errors';
import { own } from '../core/own';

export interface TacticRef {
  /** The tactic as the vendors' vocabularies know it (tag suffix, e.g. defense-evasion). */
  readonly tag: string;
  readonly id: string;
  readonly name: string;
  /** PascalCase form (Sentinel tactics, Defender alert category). */
  readonly key: string;
  readonly reference: string;
  /** The rule's own tactic tags written as this tactic (e.g. stealth, defense-impairment for Defense Evasion). */
  readonly from: readonly string[];
  /** True when no tag names it: it comes from the tactics of a tagged technique. */
  readonly derived: boolean;
}

export interface TechniqueRef {
  readonly id: string;
  /** The ATT&CK name; the id itself when the shipped data does not know the technique. */
  readonly name: string;
  readonly reference: string;
  /** For a sub-technique: its parent technique id. */
  readonly parent: string | null;
  /** False for an id the shipped ATT&CK data does not list (e.g. newer than it): kept by id. */
  readonly known: boolean;
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
  /** Tactic ids (TA....), in the order of `tactics`. */
  readonly tacticIds: readonly string[];
  readonly threat: readonly ThreatEntry[];
  /** attack.* tags that no output can carry (unknown tactic names, malformed ids): listed for the reader. */
  readonly unknownTags: readonly string[];
  /** Group, software, mitigation... tags: ATT&CK ids that are not part of a detection's threat mapping. */
  readonly otherTags: readonly string[];
  /** Tags carried only in part (technique ids without a name, techniques without a tactic), for warnings. */
  readonly notes: readonly string[];
}

const TECHNIQUE_TAG = /^t(\d{4})(?:\.(\d{3}))?$/;
const OTHER_ATTACK_TAG = /^(g|s|ds|m|a|c)\d{4}$/;

function techniqueUrl(id: string): string {
  return `https://attack.mitre.org/techniques/${id.replace('.', '/')}/`;
}

/**
 * Maps a rule's attack.* tags to ATT&CK tactics and techniques by id and name, using shipped data only.
 * Tactics come from the tags and, for a technique none of whose tactics is tagged, from the technique;
 * tactics no vendor lists yet (ATT&CK v19) are written as the tactic the data names for them.
 */
export function mapAttackTags(tags: readonly string[], data: AttackData): AttackMapping {
  const tactics = new Map<string, { tag: string; from: string[]; derived: boolean }>();
  const techniques: TechniqueRef[] = [];
  const unknownTags: string[] = [];
  const otherTags: string[] = [];
  const notes: string[] = [];
  const seen = new Set<string>();
  const addTactic = (tag: string, from: string | null) => {
    const entry = tactics.get(tag) ?? { tag, from: [], derived: from === null };
    if (from !== null) {
      entry.derived = false;
      if (!entry.from.includes(from)) entry.from.push(from);
    }
    tactics.set(tag, entry);
  };
  for (const raw of tags) {
    const tag = raw.toLowerCase();
    if (!tag.startsWith('attack.') || seen.has(tag)) continue;
    seen.add(tag);
    const rest = tag.slice('attack.'.length);
    const tech = TECHNIQUE_TAG.exec(rest);
    if (tech) {
      const id = `T${tech[1]}${tech[2] ? '.' + tech[2] : ''}`;
      const parent = tech[2] ? `T${tech[1]}` : null;
      const info = data.techniques.get(id);
      if (!info) notes.push(`technique ${id} is not in the shipped ATT&CK v${data.version} data: written by id, without a name`);
      techniques.push({ id, name: info?.name ?? id, reference: techniqueUrl(id), parent, known: info !== undefined });
      continue;
    }
    if (OTHER_ATTACK_TAG.test(rest)) {
      otherTags.push(raw);
      continue;
    }
    if (data.tactics.has(rest)) {
      addTactic(rest, rest);
      continue;
    }
    const newer = data.newTactics.get(rest);
    if (newer) {
      addTactic(newer.writtenAs, rest);
      continue;
    }
    unknownTags.push(raw);
  }
  const tagged = new Set(tactics.keys());
  for (const t of techniques) {
    const own = data.techniques.get(t.id)?.tactics ?? [];
    if (own.length && !own.some((x) => tagged.has(x))) for (const x of own) addTactic(x, null);
  }
  const refs: TacticRef[] = [...tactics.values()].map(({ tag, from, derived }) => {
    const info = data.tactics.get(tag);
    if (!info) throw new SigmaError('internal', `tactic '${tag}' missing from ATT&CK data`);
    return { tag, ...info, reference: `https://attack.mitre.org/tactics/${info.id}/`, from, derived };
  });
  const techniqueIds = techniques.map((t) => t.id);
  const parentTechniqueIds = [...new Set(techniques.map((t) => t.parent ?? t.id))];
  const threat = buildThreat(refs, techniques, data);
  for (const t of techniques) {
    if (!threat.some((e) => e.technique.some((x) => x.id === (t.parent ?? t.id)))) notes.push(`technique ${t.id} has no tactic (tag one): left out of threat mappings that file techniques under tactics`);
  }
  return { tactics: refs, techniques, techniqueIds, parentTechniqueIds, tacticIds: refs.map((t) => t.id), threat, unknownTags, otherTags, notes };
}

/** Techniques go under the rule's tactics they belong to (under all of them when the data does not know the technique). */
function buildThreat(tactics: readonly TacticRef[], techniques: readonly TechniqueRef[], data: AttackData): ThreatEntry[] {
  return tactics.map((tactic) => {
    const fits = (t: TechniqueRef) => {
      const own = data.techniques.get(t.id)?.tactics ?? (t.parent ? data.techniques.get(t.parent)?.tactics : undefined);
      return !own || own.length === 0 || own.includes(tactic.tag);
    };
    const chosen = techniques.filter(fits);
    const parents = [...new Set(chosen.map((t) => t.parent ?? t.id))];
    return {
      framework: 'MITRE ATT&CK' as const,
      tactic: { id: tactic.id, name: tactic.name, reference: tactic.reference },
      technique: parents.map((pid) => ({
        id: pid,
        name: data.techniques.get(pid)?.name ?? pid,
        reference: techniqueUrl(pid),
        subtechnique: chosen.filter((t) => t.parent === pid).map((t) => ({ id: t.id, name: t.name, reference: t.reference })),
      })),
    };
  });
}
