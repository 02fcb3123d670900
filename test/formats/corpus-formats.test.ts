/**
 * Every SigmaHQ rule in every deployable format: each converted rule parses in its format (YAML, JSON,
 * NDJSON, TOML, .conf), passes the vendor schema checks, and carries the ATT&CK technique and tactic ids
 * of its tags; the whole corpus to one stream is one valid document of the format (or, for TOML, a usage
 * error).
 */
import * as path from 'path';
import * as yaml from 'js-yaml';
import Ajv from 'ajv';
import { parse as parseToml } from 'smol-toml';
import { Converter, type RuleResult } from '../../src/convert';
import { createFsLoader } from '../../src/cli/fs-loader';
import { combineStream } from '../../src/output/stream';
import { findCorpus, readCorpus } from '../../scripts/corpus-run';
import { parseConf } from './conf-parser';
import { defenderDetectionRuleSchema, elasticRuleSchema, sentinelArmSchema } from './vendor-schemas';

const ROOT = path.resolve(__dirname, '..', '..');
const corpus = findCorpus(ROOT);

interface Carried {
  readonly techniques: readonly string[];
  /** Tactic ids (TA....) or Sentinel keys, as the format writes them. */
  readonly tactics: readonly string[];
}

interface FormatCase {
  readonly target: string;
  readonly format: string;
  readonly pipeline?: string;
  /** Parses one rule's output and checks it against the vendor schema: problems, and the ATT&CK it carries. */
  readonly read: (text: string) => { problems: string[]; carried: Carried };
  /** How tactics are written: Sentinel's PascalCase keys or ATT&CK ids. */
  readonly tacticForm: 'key' | 'id';
  /** Only top-level technique ids (Sentinel ARM). */
  readonly parentsOnly?: boolean;
  /** Parses the whole corpus to one stream: the number of rules it holds. */
  readonly stream: (text: string) => number;
}

const ajv = new Ajv({ allErrors: true, strict: false });
const check = (schema: object) => {
  const validate = ajv.compile(schema);
  return (doc: unknown) => (validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
};
const checkArm = check(sentinelArmSchema);
const checkDefender = check(defenderDetectionRuleSchema);
const checkElastic = check(elasticRuleSchema);

type Threat = { tactic: { id: string }; technique?: { id: string; subtechnique?: { id: string }[] }[] }[];
const threatCarried = (threat: Threat): Carried => ({
  tactics: threat.map((t) => t.tactic.id),
  techniques: threat.flatMap((t) => (t.technique ?? []).flatMap((x) => [x.id, ...(x.subtechnique ?? []).map((s) => s.id)])),
});

const SENTINEL_KEYS = ['id', 'name', 'description', 'severity', 'requiredDataConnectors', 'queryFrequency', 'queryPeriod', 'triggerOperator', 'triggerThreshold', 'tactics', 'relevantTechniques', 'query', 'entityMappings', 'version', 'kind'];

const CASES: readonly FormatCase[] = [
  ...['defender-xdr', 'sentinel'].map(
    (pipeline): FormatCase => ({
      target: 'kql',
      format: 'sentinel-rule',
      pipeline,
      tacticForm: 'key',
      read: (text) => {
        const d = yaml.load(text) as Record<string, unknown>;
        const problems = SENTINEL_KEYS.filter((k) => !(k in d)).map((k) => `missing ${k}`);
        if (!['Informational', 'Low', 'Medium', 'High'].includes(String(d.severity))) problems.push(`severity ${String(d.severity)}`);
        return { problems, carried: { techniques: d.relevantTechniques as string[], tactics: d.tactics as string[] } };
      },
      stream: (text) => yaml.loadAll(text).length,
    }),
  ),
  {
    target: 'kql',
    format: 'sentinel-arm',
    tacticForm: 'key',
    parentsOnly: true,
    read: (text) => {
      const d = JSON.parse(text) as { resources: { properties: { techniques: string[]; tactics: string[] } }[] };
      const p = d.resources[0]?.properties;
      return { problems: checkArm(d), carried: { techniques: p?.techniques ?? [], tactics: p?.tactics ?? [] } };
    },
    stream: (text) => (JSON.parse(text) as { resources: unknown[] }).resources.length,
  },
  {
    target: 'kql',
    format: 'defender-detection',
    tacticForm: 'key',
    read: (text) => {
      const d = JSON.parse(text) as { detectionAction: { alertTemplate: { mitreTechniques: string[]; category: string } } };
      // One category per alert: the first tactic is all a Defender detection can carry.
      return { problems: checkDefender(d), carried: { techniques: d.detectionAction.alertTemplate.mitreTechniques, tactics: [d.detectionAction.alertTemplate.category] } };
    },
    stream: (text) => (JSON.parse(text) as unknown[]).length,
  },
  {
    target: 'splunk',
    format: 'savedsearch',
    tacticForm: 'id',
    read: (text) => {
      const stanzas = [...parseConf(text)].filter(([name]) => name !== 'default');
      const stanza = stanzas[0]?.[1];
      const problems = stanzas.length === 1 ? [] : [`${stanzas.length} stanzas`];
      for (const key of ['search', 'cron_schedule', 'dispatch.earliest_time', 'action.correlationsearch.annotations']) if (!stanza?.has(key)) problems.push(`missing ${key}`);
      const ids = (JSON.parse(stanza?.get('action.correlationsearch.annotations') ?? '{}') as { mitre_attack?: string[] }).mitre_attack ?? [];
      return { problems, carried: { techniques: ids.filter((i) => i.startsWith('T') && !i.startsWith('TA')), tactics: ids.filter((i) => i.startsWith('TA')) } };
    },
    stream: (text) => [...parseConf(text).keys()].filter((k) => k !== 'default').length,
  },
  {
    target: 'eql',
    format: 'elastic-rule',
    tacticForm: 'id',
    read: (text) => {
      const problems = text.includes('\n') ? ['not one NDJSON line'] : [];
      const d = JSON.parse(text) as { threat: Threat };
      return { problems: [...problems, ...checkElastic(d)], carried: threatCarried(d.threat) };
    },
    stream: (text) => text.split('\n').map((l) => JSON.parse(l) as unknown).length,
  },
  {
    target: 'eql',
    format: 'elastic-toml',
    tacticForm: 'id',
    read: (text) => {
      const d = parseToml(text) as { rule: { threat?: Threat; rule_id: string; index: string[]; type: string } };
      const problems = ['rule_id', 'index', 'query', 'type', 'risk_score', 'severity'].filter((k) => !(k in d.rule)).map((k) => `missing rule.${k}`);
      return { problems, carried: threatCarried(d.rule.threat ?? []) };
    },
    stream: () => 0,
  },
];

if (!corpus) {
  it.skip('SigmaHQ corpus not found: corpus format tests skipped', () => undefined);
} else {
  const files = readCorpus(corpus).map((f) => ({ file: f.name, text: f.text }));
  const converter = new Converter(createFsLoader(ROOT));
  const attack = converter.resources.metadata().attack;
  // Each rule's tags, by file and document.
  const tagsOf = new Map<string, readonly string[]>();
  for (const f of files) {
    try {
      yaml.loadAll(f.text).forEach((doc, i) => {
        const tags = (doc as { tags?: unknown } | null)?.tags;
        tagsOf.set(`${f.file}#${i + 1}`, Array.isArray(tags) ? tags.map(String) : []);
      });
    } catch {
      // a file js-yaml refuses is reported by the conversion itself
    }
  }

  /** The ATT&CK a rule's tags call for, in the format's vocabulary. */
  const expected = (tags: readonly string[], c: FormatCase): Carried => {
    const techniques = new Set<string>();
    const tactics = new Set<string>();
    for (const raw of tags) {
      const t = raw.toLowerCase();
      const tech = /^attack\.t(\d{4})(\.\d{3})?$/.exec(t);
      if (tech) {
        techniques.add(c.parentsOnly ? `T${tech[1]}` : `T${tech[1]}${tech[2] ?? ''}`);
        continue;
      }
      const name = t.slice('attack.'.length);
      const tag = attack.newTactics.get(name)?.writtenAs ?? name;
      const info = t.startsWith('attack.') ? attack.tactics.get(tag) : undefined;
      if (info) tactics.add(c.tacticForm === 'key' ? info.key : info.id);
    }
    return { techniques: [...techniques], tactics: [...tactics] };
  };

  describe.each(CASES.map((c) => [`${c.target} ${c.format}${c.pipeline ? ` (${c.pipeline})` : ''}`, c] as const))('SigmaHQ corpus as %s', (_label, c) => {
    let results: RuleResult[] = [];
    beforeAll(() => {
      results = converter.convertCollection(files, { target: c.target, format: c.format, pipeline: c.pipeline });
    }, 60_000);

    it('every converted rule parses, passes the schema checks and keeps the ATT&CK ids of its tags', () => {
      const ok = results.filter((r) => r.ok);
      // The Defender tables hold fewer logsources than Splunk's and Elastic's pipelines.
      // splunk-windows and ecs refuse rules whose logsource or fields their data does not carry (field schemas): 2,820 and 3,299 convert.
      expect(ok.length).toBeGreaterThan(c.target === 'kql' ? (c.pipeline === 'sentinel' ? 1000 : 2000) : 2500);
      const problems: string[] = [];
      for (const r of ok) {
        const text = r.queries.join('\n\n');
        const key = `${r.file}#${r.document}`;
        let read: ReturnType<FormatCase['read']>;
        try {
          read = c.read(text);
        } catch (err) {
          problems.push(`${key}: does not parse: ${(err as Error).message}`);
          continue;
        }
        problems.push(...read.problems.map((p) => `${key}: ${p}`));
        const want = expected(tagsOf.get(key) ?? [], c);
        const lostTechniques = want.techniques.filter((t) => !read.carried.techniques.includes(t));
        // Defender writes one category: the first tactic of the rule is enough there.
        const lostTactics = c.format === 'defender-detection' ? (want.tactics.length && !want.tactics.includes(read.carried.tactics[0] ?? '') ? want.tactics : []) : want.tactics.filter((t) => !read.carried.tactics.includes(t));
        if (lostTechniques.length || lostTactics.length) problems.push(`${key}: loses ${[...lostTechniques, ...lostTactics].join(', ')}`);
        if (problems.length > 20) break;
      }
      expect(problems).toEqual([]);
    });

    it('the whole corpus to one stream is one valid document of the format', () => {
      const formatDef = converter.backend(c.target).formats[c.format];
      if (!formatDef) throw new Error(`no format ${c.format}`);
      const items = results.filter((r) => r.ok).map((r) => ({ text: r.queries.join('\n\n'), id: r.id }));
      if (formatDef.stream === 'one-per-file') {
        expect(() => combineStream(c.format, formatDef, items)).toThrow(/one rule per file .* -o DIR\//);
        return;
      }
      expect(c.stream(combineStream(c.format, formatDef, items))).toBe(items.length);
    });
  });
}
