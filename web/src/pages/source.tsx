import { useCallback } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { ClaimStatusBadge } from '../components/claim-status';
import { LiveStatus } from '../components/live-status';
import { type PageSlot, Pages } from '../components/pages';
import { QueryState } from '../components/query-state';
import { StatementListPage } from '../components/statement-list';
import { graphql } from '../gql';
import { type LiveStatement, useLiveStatements, useRevalidate } from '../graphql/live';
import { formatDate } from '../labels';
import { usePageTitle } from '../page-title';

const PAGE_SIZE = 10;

const SourcePageQuery = graphql(`
  query SourcePage($slug: String!) {
    source(slug: $slug) {
      id
      slug
      title
      url
      publisher
      publishedOn
      claims(first: 50) {
        totalCount
        edges {
          node {
            id
            slug
            text
            ...ClaimStatus_claim
          }
        }
      }
    }
  }
`);

const SourceStatementsQuery = graphql(`
  query SourcePageStatements($slug: String!, $first: Int!, $after: String) {
    source(slug: $slug) {
      id
      statements(first: $first, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          node {
            id
            ...StatementCard_statement
          }
        }
      }
    }
  }
`);

function StatementsPage(props: { slug: string; slot: PageSlot; label: string }) {
  const [result, reexecute] = useQuery({ query: SourceStatementsQuery, variables: { slug: props.slug, first: PAGE_SIZE, after: props.slot.after } });
  useRevalidate(props.slot.revision, reexecute);
  return (
    <StatementListPage slot={props.slot} fetching={result.fetching} error={result.error} connection={result.data?.source?.statements} label={props.label} showSource={false} />
  );
}

export function SourcePage() {
  const { slug = '' } = useParams();
  const [result] = useQuery({ query: SourcePageQuery, variables: { slug } });
  const source = result.data?.source;
  usePageTitle(source?.title);
  const live = useLiveStatements(useCallback((statement: LiveStatement) => statement.source.slug === slug, [slug]));
  if (!source) return <QueryState fetching={result.fetching} error={result.error} missing={`No source has the slug “${slug}”.`} />;
  const label = `Statements in ${source.title}`;
  return (
    <article className="page source-page">
      <header className="page-header">
        <p className="eyebrow">Source</p>
        <h1>{source.title}</h1>
        <p>
          {[source.publisher, source.publishedOn ? formatDate(source.publishedOn) : null].filter(Boolean).join(', ') || 'Publisher and date not recorded'}
          {source.url ? (
            <>
              {' · '}
              <a href={source.url} rel="external noopener noreferrer">
                Read the original
              </a>
            </>
          ) : null}
        </p>
        <p className="actions">
          <Link to={`/graph/source/${source.slug}`}>Who answered whom in this source</Link>
        </p>
      </header>
      <LiveStatus live={live} />
      <section aria-labelledby="statements">
        <h2 id="statements">Statements</h2>
        <Pages key={slug} revision={live.revision}>
          {(slot) => <StatementsPage slug={slug} slot={slot} label={label} />}
        </Pages>
      </section>
      {source.claims.totalCount ? (
        <section aria-labelledby="narration">
          <h2 id="narration">Claims in the source’s own narration ({source.claims.totalCount})</h2>
          <ul className="plain claim-list">
            {source.claims.edges.map(({ node }) => (
              <li key={node.id}>
                <Link to={`/claims/${node.slug}`}>{node.text}</Link> <ClaimStatusBadge claim={node} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </article>
  );
}
