import { Fragment, type ReactNode, useState } from 'react';

export interface PageSlot {
  after: string | null;
  /** Only the last page shows "Show more". */
  last: boolean;
  /** Live revisions reach the first page only: new statements come first. */
  revision: number;
  /** A page added by "Show more" takes the focus, so keyboard users land on what they asked for. */
  focusOnLoad: boolean;
  onMore: (endCursor: string) => void;
}

/** A list that grows one page at a time; every page is its own query (one cacheable GET), keyed by its cursor. */
export function Pages(props: { revision: number; children: (slot: PageSlot) => ReactNode }) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  return (
    <>
      {cursors.map((after, index) => (
        <Fragment key={after ?? ''}>
          {props.children({
            after,
            last: index === cursors.length - 1,
            revision: index === 0 ? props.revision : 0,
            focusOnLoad: index > 0,
            onMore: (cursor) => setCursors((list) => (list.includes(cursor) ? list : [...list, cursor])),
          })}
        </Fragment>
      ))}
    </>
  );
}
