// Name normalisation shared by the engine, the bundle writer and the quality report. No NLP library here:
// the serving process imports this (through bundle.ts) without loading compromise, wink-nlp or chrono-node.

/** Letters NFKD does not take apart. */
const FOLD: Record<string, string> = { ø: 'o', Ø: 'O', æ: 'ae', Æ: 'AE', œ: 'oe', Œ: 'OE', ß: 'ss', đ: 'd', Đ: 'D', ł: 'l', Ł: 'L', þ: 'th', Þ: 'Th', ð: 'd', Ð: 'D', ı: 'i' };

const normalized = new Map<string, string>();

/** Compares names the way a reader would: case, accents, apostrophe style and spacing do not matter. */
export function normalizeName(name: string): string {
  const cached = normalized.get(name);
  if (cached !== undefined) return cached;
  if (normalized.size > 50_000) normalized.clear();
  const result = name
    .replace(/[øØæÆœŒßđĐłŁþÞðÐı]/g, (letter) => FOLD[letter] ?? letter)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[’‘`´]/g, "'")
    .replace(/[‐‑‒–—]/g, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
  normalized.set(name, result);
  return result;
}

export function slugify(name: string): string {
  const slug = normalizeName(name)
    .replace(/'s\b/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/g, '');
  return slug;
}
