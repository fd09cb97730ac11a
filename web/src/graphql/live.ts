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

/** Pauses before opening a lost event stream again: longer after each failed attempt, at most 30 s. */
export const RECONNECT_DELAYS_MS = [1_000, 2_000, 5_000, 10_000, 30_000] as const;

/**
 * Follows `statementRecorded` (Server-Sent Events) and counts the statements that `matches` says belong on this
 * page; pages pass `revision` to `useRevalidate` on their queries. `claim` narrows the stream on the server.
 *
 * A stream that ends or fails (the service restarted, a proxy cut it, the laptop slept) is opened again after
 * a pause (`RECONNECT_DELAYS_MS`); as it opens again the page revalidates, since statements recorded
 * while it was closed were never announced.
 */
export function useLiveStatements(matches: (statement: LiveStatement) => boolean, claim?: string): Live {
  const [live, setLive] = useState<Live>({ revision: 0, latest: null, connected: false });
  const [result, reopen] = useSubscription({ query: LiveStatement, variables: { claim: claim ?? null } });
  const matchesRef = useRef(matches);
  matchesRef.current = matches;
  const statement = result.data?.statementRecorded;
  useEffect(() => {
    if (statement && matchesRef.current(statement)) setLive((current) => ({ ...current, revision: current.revision + 1, latest: statement }));
  }, [statement]);
  // urql keeps a failed stream's error while it opens the next one: that error does not count against it.
  const staleError = useRef<unknown>(undefined);
  const connected = result.fetching && (!result.error || result.error === staleError.current);
  useEffect(() => setLive((current) => (current.connected === connected ? current : { ...current, connected })), [connected]);

  const opened = useRef(false);
  const lost = useRef(false);
  const attempts = useRef(0);
  useEffect(() => {
    if (connected) {
      opened.current = true;
      if (lost.current) {
        lost.current = false;
        // Back: run the page's queries again for what was recorded meanwhile (nothing to announce by name).
        setLive((current) => ({ ...current, revision: current.revision + 1, latest: null }));
      }
      return;
    }
    if (!opened.current && !result.error) return;
    lost.current = true;
    const delay = RECONNECT_DELAYS_MS[Math.min(attempts.current, RECONNECT_DELAYS_MS.length - 1)];
    attempts.current += 1;
    const failed = result.error;
    const timer = setTimeout(() => {
      staleError.current = failed;
      reopen({ requestPolicy: 'network-only' });
    }, delay);
    return () => clearTimeout(timer);
  }, [connected, result.error, reopen]);
  // A stream that delivers is a stream that works: the next loss starts again from the shortest pause.
  useEffect(() => {
    if (statement) attempts.current = 0;
  }, [statement]);
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

