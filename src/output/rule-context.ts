import type { SigmaRule } from '../rule/model';

/** What templates may read about a rule. */
export function ruleContext(rule: SigmaRule): Record<string, unknown> {
  return {
    id: rule.id ?? null,
    name: rule.name ?? null,
    title: rule.title,
    status: rule.status ?? null,
    description: rule.description ?? null,
    author: rule.author ?? null,
    date: rule.date ?? null,
    modified: rule.modified ?? null,
    references: rule.references,
    tags: rule.tags,
    level: rule.level ?? null,
    falsepositives: rule.falsepositives,
    fields: rule.fields,
    logsource: rule.logsource,
  };
}
