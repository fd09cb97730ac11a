import { createPubSub } from 'graphql-yoga';
import type { StancePosition } from './generated/prisma/enums.js';

/** Published after a write commits, never before: a subscriber never sees a write that rolled back. */
export interface StatementRecordedEvent {
  statementId: string;
  speakerSlug: string;
  claimSlugs: string[];
}

/** A position change a write made appear (see src/write/positions.ts); published after it commits. Plain JSON, for Redis. */
export interface PositionChangedEvent {
  actorId: string;
  actorSlug: string;
  claimId: string;
  claimSlug: string;
  from: StancePosition;
  to: StancePosition;
  fromStatementId: string;
  toStatementId: string;
  fromStanceId: string;
  toStanceId: string;
  /** The later statement's date, YYYY-MM-DD; null when undated. */
  at: string | null;
}

export type EventMap = {
  statementRecorded: [StatementRecordedEvent];
  positionChanged: [PositionChangedEvent];
};

export type Events = ReturnType<typeof createEvents>;

export function createEvents() {
  return createPubSub<EventMap>();
}

/** Announces the position changes a committed write made appear. */
export function publishPositionChanges(events: Events, changes: readonly PositionChangedEvent[] | undefined): void {
  for (const change of changes ?? []) events.publish('positionChanged', change);
}
