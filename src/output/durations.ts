import { SigmaError } from '../core/errors';

/** A duration as settings write it: <number><s|m|h|d>. */
export interface Duration {
  readonly text: string;
  readonly seconds: number;
}

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;
export const DURATION_PATTERN = '^[1-9][0-9]*[smhd]$';

export function parseDuration(text: string, what: string): Duration {
  const m = /^([1-9]\d*)([smhd])$/.exec(text);
  if (!m) throw new SigmaError('invalid-value', `${what} '${text}' is not a duration like 5m, 1h or 1d`);
  return { text, seconds: Number(m[1]) * UNIT_SECONDS[m[2] as keyof typeof UNIT_SECONDS] };
}

/** ISO 8601 (ARM templates): PT5M, PT1H, P1D, P1DT12H. */
export function isoDuration(d: Duration): string {
  let s = d.seconds;
  const days = Math.floor(s / 86400);
  s -= days * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const time = `${h ? h + 'H' : ''}${m ? m + 'M' : ''}${s ? s + 'S' : ''}`;
  return `P${days ? days + 'D' : ''}${time ? 'T' + time : ''}`;
}

/** The shortest <n><unit> form (Sentinel content YAML, Elastic interval, Splunk relative time). */
export function shortDuration(d: Duration): string {
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60]] as const) {
    if (d.seconds % size === 0) return `${d.seconds / size}${unit}`;
  }
  return `${d.seconds}s`;
}

/** A cron schedule running every `d`, or null when cron cannot say it (e.g. every 7m does not divide the hour). */
export function cronEvery(d: Duration): string | null {
  const min = d.seconds / 60;
  if (!Number.isInteger(min)) return null;
  if (min < 60) return 60 % min === 0 ? (min === 1 ? '* * * * *' : `*/${min} * * * *`) : null;
  const hours = min / 60;
  if (!Number.isInteger(hours)) return null;
  if (hours < 24) return 24 % hours === 0 ? (hours === 1 ? '0 * * * *' : `0 */${hours} * * *`) : null;
  return hours === 24 ? '0 0 * * *' : null;
}

/** Defender XDR custom detections run every 1, 3, 12 or 24 hours (schedule.period "1H" ... "24H"). */
export function defenderPeriod(d: Duration): string | null {
  const hours = d.seconds / 3600;
  return [1, 3, 12, 24].includes(hours) ? `${hours}H` : null;
}
