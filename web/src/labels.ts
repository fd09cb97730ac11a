import type { ActorKind, ClaimStatus, ResponseKind, StancePosition, StatementKind } from './gql/graphql';

export const ACTOR_KIND: Record<ActorKind, string> = {
  PERSON: 'person',
  STATE: 'state',
  GOVERNMENT_BODY: 'government body',
  ORGANIZATION: 'organization',
  MILITARY: 'military',
  GROUP: 'group',
};

export const STATEMENT_KIND: Record<StatementKind, string> = {
  DIRECT_QUOTE: 'direct quote',
  PARAPHRASE: 'paraphrase',
  REPORTED: 'reported',
};

/** Verbs, so a response reads as a sentence: "Lin Jian rebuts Volodymyr Zelenskyy". */
export const RESPONSE_KIND: Record<ResponseKind, string> = {
  ANSWERS: 'answers',
  REBUTS: 'rebuts',
  CRITICIZES: 'criticizes',
  DEFLECTS: 'deflects',
  ENDORSES: 'endorses',
  CLARIFIES: 'clarifies',
};

export const RESPONSE_KINDS = Object.keys(RESPONSE_KIND) as ResponseKind[];

export const POSITION: Record<StancePosition, string> = {
  ASSERTS: 'asserts',
  SUPPORTS: 'supports',
  DENIES: 'denies',
  QUESTIONS: 'questions',
  DECLINES_TO_CONFIRM: 'declines to confirm',
};

export const CLAIM_STATUS: Record<ClaimStatus, string> = {
  ASSERTED: 'Asserted',
  DENIED: 'Denied',
  CONTESTED: 'Contested',
  UNRESOLVED: 'Unresolved',
};

const DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** `YYYY-MM-DD` as "1 Nov 2024"; null as "undated". */
export function formatDate(date: string | null | undefined): string {
  if (!date) return 'undated';
  const parsed = new Date(`${date}T00:00:00Z`);
  return Number.isNaN(parsed.getTime()) ? date : DATE.format(parsed);
}
