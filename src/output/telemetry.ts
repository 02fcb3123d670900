import { SigmaError } from '../core/errors';
import type { SigmaRule } from '../rule/model';

/** One entry of the `telemetry` custom attribute (docs/enrichment.md#telemetry): recorded test events for the rule. */
export interface TelemetryRef {
  /** Path of a JSON Lines file, relative to the repository root. */
  readonly path: string;
  readonly description: string;
}

/** Reads the rule's `telemetry` attribute: a list of {path, description}; a malformed attribute is a rule error. */
export function parseTelemetry(rule: SigmaRule): TelemetryRef[] {
  const raw = rule.raw.telemetry;
  if (raw === undefined || raw === null) return [];
  const fail = (msg: string): never => {
    throw new SigmaError('invalid-rule', `custom attribute 'telemetry': ${msg} (see docs/enrichment.md)`, rule.loc);
  };
  if (!Array.isArray(raw)) fail('must be a list of {path, description}');
  return (raw as unknown[]).map((item, i) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return fail(`item ${i + 1} must be a map`);
    const { path, description, ...rest } = item as Record<string, unknown>;
    if (Object.keys(rest).length) fail(`item ${i + 1} has unknown keys ${Object.keys(rest).join(', ')}`);
    if (typeof path !== 'string' || !/^[\w.-]+(\/[\w.-]+)*$/.test(path) || path.split('/').includes('..')) {
      fail(`item ${i + 1} needs a relative path inside the repository`);
    }
    if (typeof description !== 'string' || !description.trim()) fail(`item ${i + 1} needs a description`);
    return { path: path as string, description: (description as string).trim() };
  });
}
