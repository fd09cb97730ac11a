import { useCallback } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { SpeakerLinks } from '../components/actor-link';
import { Conversation, ConversationTurn } from '../components/conversation';
import { LiveStatus } from '../components/live-status';
import { QueryState } from '../components/query-state';
import { SourceText } from '../components/source-text';
import { StanceList } from '../components/stance-list';
import { graphql } from '../gql';
import type { ResponseKind } from '../gql/graphql';
import { type LiveStatement, useLiveStatements, useRevalidate } from '../graphql/live';
import { formatDate, RESPONSE_KIND, RESPONSE_KINDS, STATEMENT_KIND } from '../labels';
import { usePageTitle } from '../page-title';

const StatementPageQuery = graphql(`
  query StatementPage($slug: String!) {
    statement(slug: $slug) {
      id
      slug
      text
      kind
      saidOn
      venue
      retracted
      retraction {
        at
        by
        reason
      }
      speaker {
        name
        ...ActorLink_actor
      }
      onBehalfOf {
        ...ActorLink_actor
      }
      source {
        slug
        title
        url
        publisher
        publishedOn
      }
      thread {
        id
        ...ConversationTurn_statement
      }
      ...ConversationTurn_statement
      responses(first: 50) {
        totalCount
        edges {
          node {
            id
            responseKind
            ...ConversationTurn_statement
          }
        }
      }
      stances {
        ...StanceList_stance
      }
      ...SourceText_statement
    }
  }
`);

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

export function StatementPage() {
  const { slug = '' } = useParams();
  const [result, reexecute] = useQuery({ query: StatementPageQuery, variables: { slug } });
  const statement = result.data?.statement;
  usePageTitle(statement ? `${statement.speaker.name}: “${statement.text.slice(0, 60)}${statement.text.length > 60 ? '…' : ''}”` : null);
  // A new response to this statement, or a change to the statement itself (a stance set on it).
  const concerns = useCallback((live: LiveStatement) => live.respondsTo?.slug === slug || live.slug === slug, [slug]);
  const live = useLiveStatements(concerns);
  useRevalidate(live.revision, reexecute);
  if (!statement) return <QueryState fetching={result.fetching} error={result.error} missing={`No statement has the slug “${slug}”.`} />;

  const responses = statement.responses.edges.map((edge) => edge.node);
  const byKind = new Map<ResponseKind, typeof responses>();
  for (const response of responses) {
    if (!response.responseKind) continue;
    byKind.set(response.responseKind, [...(byKind.get(response.responseKind) ?? []), response]);
  }
  const { source } = statement;
  return (
    <article className="page statement-page">
      <header className="page-header">
        <p className="eyebrow">{STATEMENT_KIND[statement.kind]}</p>
        <h1>Statement by {statement.speaker.name}</h1>
      </header>
      <figure className="quote-figure">
        <blockquote className={statement.kind === 'DIRECT_QUOTE' ? 'direct' : undefined}>
          <p>{statement.text}</p>
        </blockquote>
        <figcaption>
          <SpeakerLinks speaker={statement.speaker} onBehalfOf={statement.onBehalfOf} />, {formatDate(statement.saidOn)}
          {statement.venue ? `, ${statement.venue}` : ''}. Source: <Link to={`/sources/${source.slug}`}>{source.title}</Link>
          {source.publisher ? ` (${source.publisher}${source.publishedOn ? `, ${formatDate(source.publishedOn)}` : ''})` : ''}
          {source.url ? (
            <>
              {' '}
              <a href={source.url} rel="external noopener noreferrer">
                original
              </a>
            </>
          ) : null}
        </figcaption>
      </figure>
      {statement.retraction ? (
        <div className="notice" role="note">
          Retracted on {formatDate(statement.retraction.at.slice(0, 10))} by {statement.retraction.by}: {statement.retraction.reason}. Its stances no longer count toward the claims’ status.
        </div>
      ) : null}

      <section aria-labelledby="thread">
        <h2 id="thread">Conversation</h2>
        {statement.thread.length ? null : <p className="muted">This statement answers no other statement: it starts its thread.</p>}
        <Conversation thread={statement.thread} current={statement} />
        <p>
          <Link to={`/graph/source/${source.slug}`}>Who answered whom in {source.title}</Link>
        </p>
      </section>

      <LiveStatus live={live} />

      <section aria-labelledby="responses">
        <h2 id="responses">Responses ({statement.responses.totalCount})</h2>
        {responses.length === 0 ? <p className="muted">Nobody has responded to it yet.</p> : null}
        {RESPONSE_KINDS.filter((kind) => byKind.has(kind)).map((kind) => (
          <section key={kind} aria-labelledby={`responses-${kind}`} className="response-group">
            <h3 id={`responses-${kind}`}>
              <span className={`kind kind-${kind.toLowerCase()}`}>{capitalized(RESPONSE_KIND[kind])}</span> ({byKind.get(kind)?.length})
            </h3>
            <ul className="plain">
              {byKind.get(kind)?.map((response) => (
                <li key={response.id}>
                  <ConversationTurn statement={response} />
                </li>
              ))}
            </ul>
          </section>
        ))}
      </section>

      <section aria-labelledby="stances">
        <h2 id="stances">Stances</h2>
        {statement.stances.length ? <StanceList stances={statement.stances} /> : <p className="muted">It takes no position on a recorded claim.</p>}
      </section>

      <SourceText statement={statement} />
    </article>
  );
}
