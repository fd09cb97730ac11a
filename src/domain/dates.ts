const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses an ISO calendar date (YYYY-MM-DD) to midnight UTC, or returns undefined if it is not a real date. */
export function parseIsoDate(value: string): Date | undefined {
  const match = ISO_DATE.exec(value);
  if (!match) return undefined;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().startsWith(value) ? date : undefined;
}

export function formatIsoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
