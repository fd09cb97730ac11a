import { useEffect, useRef } from 'react';
import type { CombinedError } from 'urql';
import type { FragmentType } from '../gql';
import type { PageSlot } from './pages';
import { QueryState } from './query-state';
import { StatementCard, type StatementCardFragment } from './statement-card';

export interface StatementConnection {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
  edges: readonly { node: { id: string } & FragmentType<typeof StatementCardFragment> }[];
}

/** One page of a statement list: its cards, and "Show more" when it is the last page and there is more. */
export function StatementListPage(props: {
  slot: PageSlot;
  fetching: boolean;
  error: CombinedError | undefined;
  connection: StatementConnection | null | undefined;
  label: string;
  showSource?: boolean;
}) {
  const { slot, connection } = props;
  const list = useRef<HTMLOListElement>(null);
  const focused = useRef(false);
  useEffect(() => {
    if (!slot.focusOnLoad || focused.current || !connection) return;
    focused.current = true;
    list.current?.querySelector<HTMLAnchorElement>('a.quote')?.focus();
  }, [slot.focusOnLoad, connection]);
  if (!connection) return <QueryState fetching={props.fetching} error={props.error} />;
  if (connection.totalCount === 0) return <p className="muted">None recorded.</p>;
  const { endCursor, hasNextPage } = connection.pageInfo;
  return (
    <>
      <ol className="statement-list" ref={list} aria-label={props.label}>
        {connection.edges.map(({ node }) => (
          <li key={node.id}>
            <StatementCard statement={node} {...(props.showSource === undefined ? {} : { showSource: props.showSource })} />
          </li>
        ))}
      </ol>
      {props.error ? <QueryState fetching={false} error={props.error} /> : null}
      {slot.last && hasNextPage && endCursor ? (
        <button type="button" className="more" onClick={() => slot.onMore(endCursor)}>
          Show more ({connection.totalCount} in all)
        </button>
      ) : null}
    </>
  );
}
