import { parseUserDataYaml } from '../core/data-yaml';
import { SigmaError } from '../core/errors';

/**
 * One expected verdict: the rule (by id) on one event of an events file (`event`: its 0-based index), or
 * on the file as a whole (no `event`: match true = at least one event matches, false = none does).
 * `events` is relative to the expectations file; `pipeline` defaults to the command's --pipeline.
 */
export interface Expectation {
  readonly entry: number; // 0-based position in the file
  readonly rule: string;
  readonly events: string;
  readonly event?: number;
  readonly match: boolean;
  readonly pipeline?: string;
  readonly note?: string;
}

const KNOWN = new Set(['rule', 'events', 'event', 'match', 'pipeline', 'note']);

/** Parses an expectations file (a YAML list of {rule, events, event?, match, pipeline?, note?}). */
export function parseExpectations(text: string, file: string): Expectation[] {
  // Bounded like every user data file: an alias bomb or a huge file is refused before it is walked.
  const data = parseUserDataYaml(text, file, 'yaml-syntax');
  if (!Array.isArray(data)) throw new SigmaError('invalid-value', `${file}: expected a YAML list of {rule, events, event?, match, pipeline?}`);
  return data.map((raw: unknown, entry): Expectation => {
    const where = `${file}: entry ${entry + 1}`;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new SigmaError('invalid-value', `${where} is not a map`);
    const e = raw as Record<string, unknown>;
    for (const k of Object.keys(e)) if (!KNOWN.has(k)) throw new SigmaError('invalid-value', `${where}: unknown key '${k}' (known: ${[...KNOWN].join(', ')})`);
    if (typeof e.rule !== 'string' || !e.rule) throw new SigmaError('invalid-value', `${where}: 'rule' must be a rule id`);
    if (typeof e.events !== 'string' || !e.events) throw new SigmaError('invalid-value', `${where}: 'events' must be the path of an events file`);
    if (typeof e.match !== 'boolean') throw new SigmaError('invalid-value', `${where}: 'match' must be true or false`);
    if (e.event !== undefined && !(typeof e.event === 'number' && Number.isInteger(e.event) && e.event >= 0)) {
      throw new SigmaError('invalid-value', `${where}: 'event' must be a 0-based event index`);
    }
    if (e.pipeline !== undefined && typeof e.pipeline !== 'string') throw new SigmaError('invalid-value', `${where}: 'pipeline' must be a pipeline name or a pipeline file (relative to this file)`);
    return {
      entry,
      rule: e.rule,
      events: e.events,
      match: e.match,
      ...(e.event !== undefined ? { event: e.event as number } : {}),
      ...(e.pipeline !== undefined ? { pipeline: e.pipeline as string } : {}),
      ...(typeof e.note === 'string' ? { note: e.note } : {}),
    };
  });
}

/** What was observed for one (rule, events file, pipeline): the matching event indices, and every index read. */
export interface Observation {
  readonly matched: ReadonlySet<number>;
  readonly indices: ReadonlySet<number>;
}

export interface Failure {
  readonly expectation: Expectation;
  readonly message: string;
}

/**
 * Checks expectations against observations. `observe` returns the observation for an expectation, or a
 * string saying why there is none (unknown rule id, unreadable events file, rule that failed to compile).
 */
export function checkExpectations(expectations: readonly Expectation[], observe: (e: Expectation) => Observation | string): Failure[] {
  const failures: Failure[] = [];
  for (const e of expectations) {
    const o = observe(e);
    if (typeof o === 'string') {
      failures.push({ expectation: e, message: o });
      continue;
    }
    if (e.event !== undefined) {
      if (!o.indices.has(e.event)) {
        failures.push({ expectation: e, message: `the events file has no event ${e.event}` });
        continue;
      }
      const got = o.matched.has(e.event);
      if (got !== e.match) failures.push({ expectation: e, message: got ? 'matched, expected no match' : 'did not match, expected a match' });
    } else {
      const got = o.matched.size > 0;
      if (got !== e.match) {
        failures.push({
          expectation: e,
          message: got ? `matched events ${[...o.matched].join(', ')}, expected none to match` : 'no event matched, expected at least one',
        });
      }
    }
  }
  return failures;
}
