import { createPubSub } from 'graphql-yoga';

/** Published after a write commits, never before: a subscriber never sees a write that rolled back. */
export interface StatementRecordedEvent {
  statementId: string;
  speakerSlug: string;
  claimSlugs: string[];
}

export type Events = ReturnType<typeof createEvents>;

export function createEvents() {
  return createPubSub<{ statementRecorded: [StatementRecordedEvent] }>();
}
