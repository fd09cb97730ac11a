import * as chrono from 'chrono-node';
import type { Span } from './types.js';

export interface FoundDate {
  span: Span;
  /** YYYY-MM-DD, or null when the expression names no single day (`this week`). */
  date: string | null;
}

const DAY_MS = 86_400_000;

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * Dates with chrono, read against the publication date. News reports the past: a weekday or a day of the month without
 * a year means the latest one on or before publication (chrono otherwise picks the nearest, which may be ahead).
 */
export function findDates(text: string, publishedOn: string | null): FoundDate[] {
  const reference = publishedOn ? new Date(`${publishedOn}T12:00:00Z`) : new Date('2000-01-01T12:00:00Z');
  const results = chrono.parse(text, { instant: reference, timezone: 0 }, { forwardDate: false });
  // `now` is when the article speaks, not when anyone said something.
  return results.filter((result) => !/^(?:now|right now|currently)$/i.test(result.text.trim())).map((result) => {
    const span = { start: result.index, end: result.index + result.text.length };
    const start = result.start;
    const weekday = /\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b/i.test(result.text);
    const certainDay = start.isCertain('day') || (weekday && start.isCertain('weekday'));
    if (!certainDay) return { span, date: null };
    if (!publishedOn && !start.isCertain('year')) return { span, date: null };
    let date = start.date();
    if (publishedOn && date.getTime() > reference.getTime() + DAY_MS / 2) {
      if (!start.isCertain('day') && start.isCertain('weekday')) date = new Date(date.getTime() - 7 * DAY_MS);
      else if (!start.isCertain('year')) date = new Date(Date.UTC(date.getUTCFullYear() - 1, date.getUTCMonth(), date.getUTCDate(), 12));
    }
    return { span, date: isoDay(date) };
  });
}
