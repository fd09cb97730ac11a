import { createHash } from 'node:crypto';

/** Characters XML 1.0 cannot carry at all, escaped or not (C0 controls but tab and newlines, U+FFFE/U+FFFF, lone surrogates). */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text made safe for element content and attribute values: escaped, and characters XML forbids replaced by U+FFFD. */
export const xml = (value: string) => value.replace(NOT_XML, '\uFFFD').replace(/[&<>"']/g, (character) => TEXT_ESCAPES[character] ?? character);

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const html = (value: string) => value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);

/** Only web links are followed from a feed: a stored `javascript:` URL must not become a link. */
export const isWebUrl = (value: string | null | undefined): value is string => {
  if (!value) return false;
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
};

export type Attributes = Record<string, string | undefined>;

/** One element; `children` is already XML (use `text` for text). Undefined attributes are left out. */
export function element(name: string, attributes: Attributes, ...children: (string | false | null | undefined)[]): string {
  const attrs = Object.entries(attributes)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => ` ${key}="${xml(value)}"`)
    .join('');
  const inner = children.filter((child): child is string => typeof child === 'string').join('');
  return inner ? `<${name}${attrs}>${inner}</${name}>` : `<${name}${attrs}/>`;
}

export const text = (name: string, value: string, attributes: Attributes = {}) => element(name, attributes, xml(value));

/** RFC 3339 with milliseconds dropped, as feed readers expect. */
export const atomDate = (date: Date) => `${date.toISOString().slice(0, 19)}Z`;

const FEED_NAMESPACE = 'a3f1c7e2-5b8d-4f0a-9c6e-2d4b8e1f7a90';

/** A name-based (version 5) UUID: the same saved search always gets the same feed id, wherever it is served. */
export function uuidV5(name: string, namespace = FEED_NAMESPACE): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replaceAll('-', ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface AtomEntry {
  id: string;
  title: string;
  updated: Date;
  published?: Date;
  author?: { name: string; uri?: string };
  links: { rel: string; href: string; type?: string; title?: string }[];
  categories: { term: string; scheme?: string; label?: string }[];
  summary: string;
  /** HTML, escaped again as Atom `type="html"` content. */
  contentHtml: string;
}

export interface AtomFeed {
  id: string;
  title: string;
  subtitle?: string;
  updated: Date;
  selfUrl: string;
  alternateUrl: string;
  entries: AtomEntry[];
}

/** An Atom 1.0 (RFC 4287) document. */
export function renderFeed(feed: AtomFeed): string {
  const entries = feed.entries.map((entry) =>
    element(
      'entry',
      {},
      text('id', entry.id),
      text('title', entry.title, { type: 'text' }),
      text('updated', atomDate(entry.updated)),
      entry.published && text('published', atomDate(entry.published)),
      entry.author && element('author', {}, text('name', entry.author.name), entry.author.uri && text('uri', entry.author.uri)),
      ...entry.links.map((link) => element('link', { rel: link.rel, href: link.href, type: link.type, title: link.title })),
      ...entry.categories.map((category) => element('category', { term: category.term, scheme: category.scheme, label: category.label })),
      text('summary', entry.summary, { type: 'text' }),
      text('content', entry.contentHtml, { type: 'html' }),
    ),
  );
  return `<?xml version="1.0" encoding="utf-8"?>\n${element(
    'feed',
    { xmlns: 'http://www.w3.org/2005/Atom' },
    text('id', feed.id),
    text('title', feed.title, { type: 'text' }),
    feed.subtitle && text('subtitle', feed.subtitle, { type: 'text' }),
    text('updated', atomDate(feed.updated)),
    element('link', { rel: 'self', type: 'application/atom+xml', href: feed.selfUrl }),
    element('link', { rel: 'alternate', type: 'text/html', href: feed.alternateUrl }),
    element('author', {}, text('name', 'Fact service')),
    text('generator', 'fact-service'),
    ...entries,
  )}\n`;
}
