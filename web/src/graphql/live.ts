import { useEffect, useRef, useState } from 'react';
import { type OperationContext, useSubscription } from 'urql';
import { graphql } from '../gql';
import type { LiveStatementSubscription } from '../gql/graphql';
import { REVALIDATE } from './client';

const LiveStatement = graphql(`
  subscription LiveStatement($claim: String) {
    statementRecorded(claim: $claim) {
      id
      slug
      speaker {
        slug
        name
      }
      onBehalfOf {
        slug
      }
      source {
        slug
      }
      respondsTo {
        slug
      }
      stances {
        claim {
          slug
        }
      }
    }
  }
`);

export type LiveStatement = LiveStatementSubscription['statementRecorded'];

export interface Live {
  /** Goes up by one each time a statement this page shows is recorded or changed. */
  revision: number;
  latest: LiveStatement | null;
  /** The event stream is open: anything recorded from now on will show. */
  connected: boolean;
}

/**
 * Follows `statementRecorded` (Server-Sent Events) and counts the statements that `matches` says belong on this
 * page; pages pass `revision` to `useRevalidate` on their queries. `claim` narrows the stream on the server.
 */
export function useLiveStatements(matches: (statement: LiveStatement) => boolean, claim?: string): Live {
  const [live, setLive] = useState<Live>({ revision: 0, latest: null, connected: false });
  const [result] = useSubscription({ query: LiveStatement, variables: { claim: claim ?? null } });
  const matchesRef = useRef(matches);
  matchesRef.current = matches;
  const statement = result.data?.statementRecorded;
  useEffect(() => {
    if (statement && matchesRef.current(statement)) setLive((current) => ({ ...current, revision: current.revision + 1, latest: statement }));
  }, [statement]);
  const connected = result.fetching && !result.error;
  useEffect(() => setLive((current) => (current.connected === connected ? current : { ...current, connected })), [connected]);
  return live;
}

/** Runs a page's query again, past every cache, each time `revision` goes up. */
export function useRevalidate(revision: number, reexecute: (context?: Partial<OperationContext>) => void) {
  const seen = useRef(revision);
  useEffect(() => {
    if (revision === seen.current) return;
    seen.current = revision;
    reexecute(REVALIDATE);
  }, [revision, reexecute]);
}

