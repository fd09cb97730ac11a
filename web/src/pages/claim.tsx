import { useCallback } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { ClaimSides, ClaimTimeline, ClaimWhy } from '../components/claim-sides';
import { StatusBadge } from '../components/claim-status';
import { LiveStatus } from '../components/live-status';
import { QueryState } from '../components/query-state';
import { graphql } from '../gql';
import { useLiveStatements, useRevalidate } from '../graphql/live';
import { usePageTitle } from '../page-title';

const ClaimPageQuery = graphql(`
  query ClaimPage($slug: String!) {
    claim(slug: $slug) {
      id
      slug
      text
      topics
      status
      source {
        slug
        title
      }
      ...ClaimSides_claim
    }
  }
`);

export function ClaimPage() {
  const { slug = '' } = useParams();
  const [result, reexecute] = useQuery({ query: ClaimPageQuery, variables: { slug } });
  const claim = result.data?.claim;
  usePageTitle(claim?.text);
  const live = useLiveStatements(
    useCallback(() => true, []),
    slug,
  );
  useRevalidate(live.revision, reexecute);
  if (!claim) return <QueryState fetching={result.fetching} error={result.error} missing={`No claim has the slug “${slug}”.`} />;
  return (
    <article className="page claim-page">
      <header className="page-header">
        <p className="eyebrow">Claim{claim.topics.length ? ` · ${claim.topics.join(', ')}` : ''}</p>
        <h1>{claim.text}</h1>
        <p className="status-line">
          Status: <StatusBadge status={claim.status} />
        </p>
        <ClaimWhy claim={claim} />
        {claim.source ? (
          <p>
            Made by the narration of <Link to={`/sources/${claim.source.slug}`}>{claim.source.title}</Link>.
          </p>
        ) : null}
        <p className="actions">
          <Link to={`/graph/claim/${claim.slug}`}>Who answered whom about this claim</Link>
        </p>
      </header>
      <LiveStatus live={live} />
      <section aria-labelledby="sides">
        <h2 id="sides">The sides</h2>
        <ClaimSides claim={claim} />
      </section>
      <section aria-labelledby="over-time">
        <h2 id="over-time">Over time</h2>
        <ClaimTimeline claim={claim} />
      </section>
    </article>
  );
}
