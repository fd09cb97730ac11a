import { useEffect, useRef } from 'react';
import { type FragmentType, getFragmentData, graphql } from '../gql';

export const SourceText_statement = graphql(`
  fragment SourceText_statement on Statement {
    quote {
      start
      end
    }
    source {
      title
      text
    }
  }
`);

export interface Highlight {
  start: number;
  end: number;
  label: string;
}

/**
 * A text with spans marked: offsets are UTF-16 code units, as JavaScript's `slice` counts them, so they cut the
 * string exactly where the service's offsets point. Overlapping spans are shown from the earliest.
 */
export function MarkedText(props: { text: string; highlights: readonly Highlight[]; className?: string; scrollTo?: boolean }) {
  const first = useRef<HTMLElement | null>(null);
  useEffect(() => {
    if (props.scrollTo) first.current?.scrollIntoView?.({ block: 'center' });
  }, [props.scrollTo]);
  const spans = [...props.highlights].filter((span) => span.end > span.start && span.end <= props.text.length).sort((a, b) => a.start - b.start);
  const pieces: React.ReactNode[] = [];
  let at = 0;
  spans.forEach((span, i) => {
    if (span.start < at) return;
    if (span.start > at) pieces.push(props.text.slice(at, span.start));
    pieces.push(
      <mark key={`${span.start}-${i}`} ref={i === 0 ? first : undefined} title={span.label}>
        {props.text.slice(span.start, span.end)}
      </mark>,
    );
    at = span.end;
  });
  pieces.push(props.text.slice(at));
  return <div className={`marked-text ${props.className ?? ''}`}>{pieces}</div>;
}

/** The statement's source text with the quote highlighted, where the service knows its offsets. */
export function SourceText(props: { statement: FragmentType<typeof SourceText_statement> }) {
  const statement = getFragmentData(SourceText_statement, props.statement);
  const { quote, source } = statement;
  if (!quote || !source.text) return null;
  return (
    <section aria-labelledby="in-source" className="in-source">
      <h2 id="in-source">In the source</h2>
      <p className="muted">
        The quote as it stands in “{source.title}” (characters {quote.start}–{quote.end}).
      </p>
      <MarkedText text={source.text} highlights={[{ start: quote.start, end: quote.end, label: 'This statement' }]} className="source-text" />
    </section>
  );
}
