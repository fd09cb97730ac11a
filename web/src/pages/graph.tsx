import { useCallback, useMemo } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { LiveStatus } from '../components/live-status';
import { QueryState } from '../components/query-state';
import { graphql } from '../gql';
import { ResponseGraph } from '../graph/response-graph';
import { type LiveStatement, useLiveStatements, useRevalidate } from '../graphql/live';
import { usePageTitle } from '../page-title';
import { NotFoundPage } from './not-found';

const GraphOfSourceQuery = graphql(`
  query GraphOfSource($slug: String!) {
    source(slug: $slug) {
      id
      slug
      title
      statements(first: 100) {
        totalCount
        edges {
          node {
            id
            ...ResponseGraph_statement
          }
        }
      }
    }
  }
`);

const GraphOfClaimQuery = graphql(`
  query GraphOfClaim($slug: String!) {
    claim(slug: $slug) {
      id
      slug
      text
      statements(first: 50) {
        totalCount
        edges {
          node {
            id
            ...ResponseGraph_statement
            responses(first: 10) {
              edges {
                node {
                  id
                  ...ResponseGraph_statement
                }
              }
            }
          }
        }
      }
    }
  }
`);

const GraphOfActorQuery = graphql(`
  query GraphOfActor($slug: String!) {
    actor(slug: $slug) {
      id
      slug
      name
      statements(first: 50) {
        edges {
          node {
            id
            ...ResponseGraph_statement
            responses(first: 10) {
              edges {
                node {
                  id
                  ...ResponseGraph_statement
                }
              }
            }
          }
        }
      }
      statementsOnBehalf(first: 50) {
        edges {
          node {
            id
            ...ResponseGraph_statement
            responses(first: 10) {
              edges {
                node {
                  id
                  ...ResponseGraph_statement
                }
              }
            }
          }
        }
      }
    }
  }
`);

interface WithResponses<T> {
  node: T & { responses?: { edges: readonly { node: T }[] } };
}

/** The statements and the responses to them, in one list. */
const withResponses = <T,>(edges: readonly WithResponses<T>[]): T[] => edges.flatMap(({ node }) => [node, ...(node.responses?.edges.map((edge) => edge.node) ?? [])]);

function Frame(props: { title: string; back: { to: string; text: string }; live: ReturnType<typeof useLiveStatements>; children: React.ReactNode }) {
  usePageTitle(props.title);
  return (
    <article className="page graph-page">
      <header className="page-header">
        <p className="eyebrow">Graph</p>
        <h1>{props.title}</h1>
        <p className="actions">
          <Link to={props.back.to}>{props.back.text}</Link>
        </p>
      </header>
      <LiveStatus live={props.live} />
      {props.children}
    </article>
  );
}

const responds = (statement: LiveStatement) => statement.respondsTo !== null && statement.respondsTo !== undefined;

function SourceGraph(props: { slug: string }) {
  const [result, reexecute] = useQuery({ query: GraphOfSourceQuery, variables: { slug: props.slug } });
  const live = useLiveStatements(useCallback((statement: LiveStatement) => statement.source.slug === props.slug && responds(statement), [props.slug]));
  useRevalidate(live.revision, reexecute);
  const source = result.data?.source;
  const statements = useMemo(() => source?.statements.edges.map((edge) => edge.node) ?? [], [source]);
  if (!source) return <QueryState fetching={result.fetching} error={result.error} missing={`No source has the slug “${props.slug}”.`} />;
  const title = `Who answered whom in ${source.title}`;
  return (
    <Frame title={title} back={{ to: `/sources/${source.slug}`, text: `Back to ${source.title}` }} live={live}>
      <ResponseGraph statements={statements} title={title} />
    </Frame>
  );
}

function ClaimGraph(props: { slug: string }) {
  const [result, reexecute] = useQuery({ query: GraphOfClaimQuery, variables: { slug: props.slug } });
  const live = useLiveStatements(useCallback(() => true, []), props.slug);
  useRevalidate(live.revision, reexecute);
  const claim = result.data?.claim;
  const statements = useMemo(() => (claim ? withResponses(claim.statements.edges) : []), [claim]);
  if (!claim) return <QueryState fetching={result.fetching} error={result.error} missing={`No claim has the slug “${props.slug}”.`} />;
  const title = `Who answered whom about “${claim.text}”`;
  return (
    <Frame title={title} back={{ to: `/claims/${claim.slug}`, text: 'Back to the claim' }} live={live}>
      <ResponseGraph statements={statements} title={title} />
    </Frame>
  );
}

function ActorGraph(props: { slug: string }) {
  const [result, reexecute] = useQuery({ query: GraphOfActorQuery, variables: { slug: props.slug } });
  const live = useLiveStatements(useCallback((statement: LiveStatement) => responds(statement) || statement.speaker.slug === props.slug || statement.onBehalfOf?.slug === props.slug, [props.slug]));
  useRevalidate(live.revision, reexecute);
  const actor = result.data?.actor;
  const statements = useMemo(() => (actor ? [...withResponses(actor.statements.edges), ...withResponses(actor.statementsOnBehalf.edges)] : []), [actor]);
  if (!actor) return <QueryState fetching={result.fetching} error={result.error} missing={`No actor has the slug “${props.slug}”.`} />;
  const title = `Who answered whom around ${actor.name}`;
  return (
    <Frame title={title} back={{ to: `/actors/${actor.slug}`, text: `Back to ${actor.name}` }} live={live}>
      <ResponseGraph statements={statements} title={title} />
    </Frame>
  );
}

export function GraphPage() {
  const { scope = '', slug = '' } = useParams();
  if (scope === 'source') return <SourceGraph key={slug} slug={slug} />;
  if (scope === 'claim') return <ClaimGraph key={slug} slug={slug} />;
  if (scope === 'actor') return <ActorGraph key={slug} slug={slug} />;
  return <NotFoundPage />;
}
