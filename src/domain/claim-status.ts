import type { ClaimStatus, StancePosition } from '../generated/prisma/enums.js';

export const PRO_POSITIONS: readonly StancePosition[] = ['ASSERTS', 'SUPPORTS'];
export const CON_POSITIONS: readonly StancePosition[] = ['DENIES', 'QUESTIONS'];

export interface StanceFact {
  position: StancePosition;
  /** The actor the stance counts for: the statement's onBehalfOf, else its speaker. */
  actorId: string;
  /** Larger is later: the statement's order in time. */
  order: number;
}

export const CLAIM_STATUS_RULE = `Derived from the stances on the claim, never set by hand. A stance counts for the actor a statement was made on behalf of, else its speaker; DECLINES_TO_CONFIRM and retracted statements count for neither side. ASSERTED: only ASSERTS/SUPPORTS. DENIED: only DENIES/QUESTIONS. CONTESTED: both sides, from different actors. UNRESOLVED: no position either way. An actor alone on both sides (it changed its mind) yields the side of its latest statement.`;

export function deriveClaimStatus(stances: readonly StanceFact[]): ClaimStatus {
  const pro = stances.filter((stance) => PRO_POSITIONS.includes(stance.position));
  const con = stances.filter((stance) => CON_POSITIONS.includes(stance.position));
  if (pro.length === 0 && con.length === 0) return 'UNRESOLVED';
  if (con.length === 0) return 'ASSERTED';
  if (pro.length === 0) return 'DENIED';
  const actors = new Set([...pro, ...con].map((stance) => stance.actorId));
  if (actors.size > 1) return 'CONTESTED';
  const latest = [...pro, ...con].reduce((a, b) => (b.order > a.order ? b : a));
  return PRO_POSITIONS.includes(latest.position) ? 'ASSERTED' : 'DENIED';
}
