/**
 * Topics are labels a person types ("Varna dam"); each has a slug derived from it ("varna-dam") that
 * filters match on. Letters of any script are kept (lower-cased, accents dropped), everything else becomes
 * a single hyphen, so "Varna  Dam!" and "varna-dam" name the same topic.
 */
export function topicSlug(label: string): string {
  return label
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 120)
    .replace(/-+$/, '');
}

