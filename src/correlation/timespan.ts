import { SigmaError } from '../core/errors';
import type { SourceLocation } from '../ir/types';
import type { Timespan } from './model';

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;

/**
 * Parses a correlation `timespan`: a positive whole number and a lowercase unit (s, m, h, d), as the
 * specification defines. Months and years have no fixed length, so a window in them would depend on
 * the calendar: they are refused with a suggestion instead of being approximated silently.
 */
export function parseTimespan(raw: unknown, loc?: SourceLocation): Timespan {
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
  const m = /^(\d+)([smhdMy])$/.exec(text);
  if (!m) {
    throw new SigmaError('correlation', `timespan '${String(raw)}' is not a number followed by s, m, h or d (e.g. 90m, 1h, 7d)`, loc);
  }
  const amount = Number(m[1]);
  const unit = m[2] as string;
  if (unit === 'M' || unit === 'y') {
    throw new SigmaError(
      'correlation',
      `timespan '${text}': months and years have no fixed length, so no SIEM window means exactly that; write it in days (e.g. ${unit === 'M' ? '30d' : '365d'})`,
      loc,
    );
  }
  if (amount <= 0 || !Number.isSafeInteger(amount)) throw new SigmaError('correlation', `timespan '${text}' must be a positive whole number of units`, loc);
  return { text, amount, unit: unit as Timespan['unit'], seconds: amount * UNIT_SECONDS[unit as keyof typeof UNIT_SECONDS] };
}
