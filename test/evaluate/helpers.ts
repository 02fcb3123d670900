import { createFsLoader } from '../../src/cli/fs-loader';
import { createEventAccessor } from '../../src/evaluate/event-accessor';
import { RuleTester, type PreparedRule } from '../../src/evaluate/rule-tester';

export const tester = new RuleTester(createFsLoader());

/** A rule from a detection block (YAML, indented by 4) and an optional logsource. */
export function rule(detection: string, logsource = '{}', pipeline?: string): PreparedRule {
  const text = `title: t\nlogsource: ${logsource}\ndetection:\n${detection.replace(/^\n/, '')}`;
  const [r] = tester.prepareText(text, 'test.yml', { pipeline });
  if (!r) throw new Error('no rule');
  if (r.errors.length) throw new Error(r.errors.map((e) => e.message).join('; '));
  return r;
}

export function matches(r: PreparedRule, event: Record<string, unknown>): boolean {
  return r.matches(tester.prepareEvent(createEventAccessor(event)));
}

/** The verdicts of one rule on several events. */
export function verdicts(r: PreparedRule, events: readonly Record<string, unknown>[]): boolean[] {
  return events.map((e) => matches(r, e));
}
