/**
 * Word lists the rules use. Each list says where it comes from, so a reviewer can tell a general rule from one fitted
 * to an article.
 */

/**
 * Speech-verb lemmas, grouped by where they come from. textacy's `REPORTING_VERBS["en"]` (`textacy/constants.py`, used
 * by `extract/triples.py`, Apache-2.0), with `accord` (the tagger's lemma of "according") and British spellings added; the Gender Gap Tracker's additions (`sfu-discourse-lab/GenderGapTracker`,
 * MIT); Levin's (1993) "say" verbs (class 37.7) and "advise" verbs (37.9); and rsyntax's `ENGLISH_SAY_VERBS`
 * (`vanatteveldt/rsyntax`) for affirm/reaffirm and emphasize. Only the words are taken, no code.
 */
export const SPEECH_VERBS: ReadonlySet<string> = new Set([
  // textacy
  'accord', 'according', 'accuse', 'acknowledge', 'add', 'admit', 'agree', 'allege', 'announce', 'argue', 'ask',
  'assert', 'believe', 'blame', 'charge', 'cite', 'claim', 'complain', 'concede', 'conclude', 'confirm', 'contend',
  'criticize', 'criticise', 'declare', 'decline', 'deny', 'describe', 'disagree', 'disclose', 'estimate', 'explain',
  'fear', 'hope', 'insist', 'maintain', 'note', 'predict', 'promise', 'recall', 'recommend', 'reply', 'report', 'say',
  'state', 'stress', 'suggest', 'tell', 'testify', 'think', 'order', 'urge', 'warn', 'worry', 'write',
  // Gender Gap Tracker
  'clarify', 'comment', 'continue', 'point', 'reassure', 'remind', 'respond', 'tweet',
  // Levin 37.7 and 37.9
  'mention', 'observe', 'proclaim', 'reiterate', 'remark', 'repeat', 'reveal', 'caution', 'counsel',
  // rsyntax
  'affirm', 'reaffirm', 'emphasize', 'emphasise',
]);

/**
 * Verbs that name what someone called something (Levin 29.3, "dub" verbs, and "describe as"): a short quote right after
 * one is the speaker's own words, not a scare quote.
 */
export const NAMING_VERBS: ReadonlySet<string> = new Set(['call', 'term', 'dub', 'describe', 'label', 'brand', 'characterize', 'characterise', 'frame']);

/** Verbs that introduce a request rather than an assertion: `X urged Y to …` is reported, never a paraphrase of a fact. */
export const DIRECTIVE_VERBS: ReadonlySet<string> = new Set(['urge', 'call', 'ask', 'press', 'demand', 'appeal']);

/**
 * Forms the part-of-speech model may not lemmatise (it tags words, it does not know every inflection): the common
 * irregular and -ed/-s forms of the verbs above.
 */
const IRREGULAR: Record<string, string> = { said: 'say', says: 'say', told: 'tell', tells: 'tell', wrote: 'write', written: 'write' };

/** The lemma of `word` if it is in `verbs`, trying the tagger's lemma first and then the regular inflections. */
export function lemmaIn(verbs: ReadonlySet<string>, word: string, lemma: string): string | undefined {
  const lower = word.toLowerCase();
  if (verbs.has(lemma)) return lemma;
  const irregular = IRREGULAR[lower];
  if (irregular && verbs.has(irregular)) return irregular;
  for (const candidate of [lower, lower.replace(/ied$/, 'y'), lower.replace(/ies$/, 'y'), lower.replace(/d$/, ''), lower.replace(/ed$/, ''), lower.replace(/s$/, ''), lower.replace(/es$/, ''), lower.replace(/ing$/, ''), lower.replace(/ing$/, 'e')]) {
    if (verbs.has(candidate)) return candidate;
  }
  return undefined;
}

export function speechLemma(word: string, lemma: string): string | undefined {
  return lemmaIn(SPEECH_VERBS, word, lemma);
}

/**
 * Speech verbs that are also everyday verbs (`maintained relations`, `continued reluctance`, `pointed north`): outside a
 * quote's attribution they count only with a reported clause after them (`that`, a colon, `out`, `to`).
 */
export const WEAK_SPEECH_VERBS: ReadonlySet<string> = new Set([
  'maintain', 'continue', 'point', 'add', 'note', 'hope', 'fear', 'believe', 'worry', 'charge', 'cite', 'decline',
  'recommend', 'blame', 'report', 'estimate', 'state', 'write', 'recall', 'accord', 'agree', 'conclude', 'observe',
  'think', 'order',
]);

/**
 * Personal titles and roles that precede or follow a name in news copy (Quootstrap's `$* spokesman $S`, `$* Foreign
 * Minister $S` patterns generalised). Longest first, so "Secretary of State" wins over "Secretary".
 */
export const TITLES: readonly string[] = [
  'Secretary of State', 'Secretary of Defense', 'Secretary-General', 'Secretary General', 'Foreign Minister', 'Defence Minister',
  'Defense Minister', 'Prime Minister', 'Deputy Prime Minister', 'Vice President', 'Vice-President', 'Minister', 'Secretary',
  'President', 'Chancellor', 'Premier', 'Governor', 'Mayor', 'Senator', 'Representative', 'Ambassador', 'General',
  'Admiral', 'Colonel', 'Commissioner', 'Chairman', 'Chairwoman', 'Chair', 'Director', 'Spokesperson', 'Spokesman',
  'Spokeswoman', 'Leader', 'King', 'Queen', 'Prince', 'Princess', 'Pope', 'Judge', 'Justice', 'Professor', 'Prof.',
  'Dr.', 'Dr', 'Mr.', 'Mr', 'Mrs.', 'Mrs', 'Ms.', 'Ms', 'Sir', 'Dame', 'Chief', 'Captain', 'Inspector', 'Sheriff',
  'Rep.', 'Sen.', 'Gov.', 'Gen.', 'Lt.', 'Col.', 'Councillor', 'Councilor', 'Mayor', 'Envoy', 'Spokesperson',
].sort((a, b) => b.length - a.length);

/** Role nouns that, lower-cased in an apposition (`Lin Jian, spokesperson for …,`), give the speaker's affiliation. */
export const ROLE_NOUNS: readonly string[] = [
  'spokesperson', 'spokesman', 'spokeswoman', 'minister', 'secretary', 'president', 'director', 'chief', 'head',
  'chair', 'chairman', 'chairwoman', 'ambassador', 'envoy', 'adviser', 'advisor', 'official', 'officer', 'commander',
  'leader', 'mayor', 'governor', 'senator', 'professor', 'researcher', 'analyst', 'economist', 'lawyer', 'member',
  'deputy', 'representative', 'commissioner', 'coordinator', 'manager', 'founder', 'executive', 'editor', 'fellow',
  'scientist', 'engineer', 'doctor', 'nurse', 'teacher', 'owner', 'resident', 'worker', 'farmer', 'student', 'expert',
  'councillor', 'councilor', 'chairperson', 'president',
];

/**
 * Roles held in an official capacity: someone in one speaks for the organization (and, for a government body, for its
 * state). A researcher, an analyst or a resident speaks for themselves.
 */
export const OFFICIAL_ROLES: ReadonlySet<string> = new Set([
  'spokesperson', 'spokesman', 'spokeswoman', 'minister', 'secretary', 'president', 'director', 'chief', 'head', 'chair',
  'chairman', 'chairwoman', 'ambassador', 'envoy', 'official', 'officer', 'commander', 'leader', 'mayor', 'governor',
  'senator', 'deputy', 'representative', 'commissioner', 'executive', 'premier', 'chancellor', 'king', 'queen',
  'general', 'admiral', 'officials', 'diplomat', 'diplomats', 'prime', 'vice', 'councillor', 'councilor', 'chairperson',
]);

/** Unnamed sources (`a spokesperson for X`, `officials`): the speaker is unnamed and speaks for X. */
export const UNNAMED_SOURCE_NOUNS: readonly string[] = [
  'spokesperson', 'spokesman', 'spokeswoman', 'official', 'officials', 'source', 'sources', 'aide', 'aides',
  'diplomat', 'diplomats', 'representative', 'representatives',
];

/** Groups named by a common noun that a news report treats as a speaker (`critics argue`, `experts suggest`). */
export const GROUP_NOUNS: ReadonlySet<string> = new Set([
  'critics', 'experts', 'analysts', 'officials', 'leaders', 'observers', 'diplomats', 'economists', 'scientists',
  'researchers', 'residents', 'activists', 'lawmakers', 'legislators', 'protesters', 'sources', 'reports', 'witnesses',
  'investigators', 'authorities', 'prosecutors', 'campaigners', 'villagers', 'farmers', 'workers', 'doctors', 'teachers',
  'parents', 'voters', 'officers', 'commentators', 'historians', 'scholars', 'engineers', 'unions', 'groups',
]);

export const PRONOUNS: Record<string, 'person' | 'thing' | 'group'> = {
  he: 'person', she: 'person', him: 'person', her: 'person', it: 'thing', they: 'group', them: 'group',
};

/**
 * Romanised East Asian family names that come first in the name as written (`Lin Jian`, `Kim Jong Un`, `Nguyễn Văn An`),
 * so that a later `Lin` refers to Lin Jian. The most common Chinese, Korean and Vietnamese family names; Japanese names
 * are usually written given name first in English copy and are left out.
 */
export const FAMILY_FIRST_SURNAMES: ReadonlySet<string> = new Set([
  'wang', 'li', 'zhang', 'liu', 'chen', 'yang', 'huang', 'zhao', 'wu', 'zhou', 'xu', 'sun', 'ma', 'zhu', 'hu', 'guo',
  'he', 'lin', 'luo', 'gao', 'zheng', 'liang', 'xie', 'song', 'tang', 'han', 'feng', 'deng', 'cao', 'peng', 'zeng',
  'xiao', 'tian', 'dong', 'pan', 'yuan', 'cai', 'jiang', 'yu', 'du', 'ye', 'cheng', 'wei', 'su', 'lu', 'ding', 'ren',
  'shen', 'yao', 'jin', 'fu', 'xi', 'qin', 'mao', 'fang', 'kong', 'bai', 'cui', 'kang', 'meng', 'qian', 'yan', 'dai',
  'kim', 'lee', 'park', 'choi', 'jung', 'kang', 'cho', 'yoon', 'jang', 'lim', 'shin', 'oh', 'seo', 'kwon', 'hwang',
  'ahn', 'moon', 'yoo', 'ko', 'nam', 'baek',
  'nguyen', 'nguyễn', 'tran', 'trần', 'le', 'lê', 'pham', 'phạm', 'hoang', 'hoàng', 'phan', 'vu', 'vũ', 'dang', 'đặng',
  'bui', 'bùi', 'do', 'đỗ', 'ngo', 'ngô', 'duong', 'dương',
]);

/** Quantity qualifiers, from the research note's table (compiled from news style guides). */
export const APPROXIMATE = ['approximately', 'about', 'around', 'roughly', 'some', 'nearly', 'almost', 'close to', 'more or less'];
export const UPPER_BOUND = ['up to', 'as many as', 'no more than', 'under', 'fewer than', 'less than', 'at most'];
export const LOWER_BOUND = ['at least', 'more than', 'over', 'upwards of', 'no fewer than', 'no less than'];
export const ESTIMATED = ['an estimated', 'estimated', 'reportedly', 'believed to be'];

/** Words that make a short quoted phrase a title or a name rather than words someone said. */
export const TITLE_CUES: ReadonlySet<string> = new Set([
  'book', 'film', 'movie', 'song', 'album', 'novel', 'play', 'series', 'show', 'titled', 'entitled', 'headline',
  'report', 'article', 'essay', 'poem', 'operation', 'campaign', 'programme', 'program', 'slogan', 'nicknamed',
]);

export const STATE_ADJECTIVES: Record<string, string> = {
  American: 'United States', 'U.S.': 'United States', US: 'United States', British: 'United Kingdom', 'U.K.': 'United Kingdom',
  UK: 'United Kingdom', Chinese: 'China', Russian: 'Russia', Ukrainian: 'Ukraine', French: 'France', German: 'Germany',
  Japanese: 'Japan', Korean: 'Korea', 'North Korean': 'North Korea', 'South Korean': 'South Korea', Indian: 'India',
  Iranian: 'Iran', Israeli: 'Israel', Italian: 'Italy', Spanish: 'Spain', Polish: 'Poland', Turkish: 'Turkey',
  Canadian: 'Canada', Mexican: 'Mexico', Brazilian: 'Brazil', Australian: 'Australia', Vietnamese: 'Vietnam',
  Portuguese: 'Portugal', Dutch: 'Netherlands', Swedish: 'Sweden', Norwegian: 'Norway', Finnish: 'Finland',
  Danish: 'Denmark', Greek: 'Greece', Egyptian: 'Egypt', Saudi: 'Saudi Arabia', Pakistani: 'Pakistan',
  Taiwanese: 'Taiwan', Belgian: 'Belgium', Austrian: 'Austria', Swiss: 'Switzerland',
  Irish: 'Ireland', Chilean: 'Chile', Argentine: 'Argentina', Colombian: 'Colombia', Peruvian: 'Peru',
};

/** Words that begin a body's name: `Ministry of Foreign Affairs` is a government body, `Council of …` too. */
export const BODY_HEADS = ['ministry', 'department', 'office', 'agency', 'council', 'commission', 'parliament', 'congress', 'senate', 'court', 'bureau', 'cabinet', 'government', 'embassy', 'police', 'committee', 'authority', 'administration'];
export const MILITARY_HEADS = ['army', 'navy', 'air force', 'forces', 'troops', 'military', 'guard', 'command'];
export const ORGANIZATION_HEADS = ['union', 'organization', 'organisation', 'association', 'institute', 'university', 'company', 'corporation', 'bank', 'fund', 'foundation', 'party', 'alliance', 'group', 'society', 'federation', 'network', 'centre', 'center', 'league', 'coalition', 'cooperative', 'inc.', 'ltd', 'ngo', 'insurance', 'reinsurance', 'holdings', 'partners', 'capital', 'airlines', 'airways', 'motors', 'energy', 'media', 'technologies', 'systems', 'industries', 'laboratories', 'pharmaceuticals', 'trust', 'agency', 'board'];
