import { type ChangeEvent, useCallback, useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { ActorLink } from '../components/actor-link';
import { ClaimStatusBadge } from '../components/claim-status';
import { LiveStatus } from '../components/live-status';
import { QueryState } from '../components/query-state';
import { StatementCard } from '../components/statement-card';
import { graphql } from '../gql';
import type { SearchQuery as SearchQueryType } from '../gql/graphql';
import { useLiveStatements, useRevalidate } from '../graphql/live';
import { ACTOR_KIND, formatDate } from '../labels';
import { usePageTitle } from '../page-title';

const SearchQuery = graphql(`
  query Search($text: String!) {
    actors(search: $text, first: 8) {
      totalCount
      edges {
        node {
          id
          kind
          aliases
          ...ActorLink_actor
        }
      }
    }
    statements(search: $text, first: 8) {
      totalCount
      edges {
        node {
          id
          ...StatementCard_statement
        }
      }
    }
    claims(search: $text, first: 8) {
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
`);

const HomeQuery = graphql(`
  query Home {
    sources(first: 20) {
      edges {
        node {
          id
          slug
          title
          publisher
          publishedOn
          statements(first: 1) {
            totalCount
          }
        }
      }
    }
    statements(first: 5) {
      edges {
        node {
          id
          ...StatementCard_statement
        }
      }
    }
  }
`);

const MIN_LENGTH = 2;
const TYPING_PAUSE_MS = 250;

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function Results(props: { text: string }) {
  const [result] = useQuery({ query: SearchQuery, variables: { text: props.text } });
  // While the next answer is on its way, the last one stays: results change in place instead of flashing.
  const shown = useRef<{ text: string; data: SearchQueryType } | null>(null);
  if (result.data) shown.current = { text: props.text, data: result.data };
  const data = result.data ?? shown.current?.data;
  if (!data) return <QueryState fetching={result.fetching} error={result.error} />;
  const { actors, statements, claims } = data;
  const summary = `${count(actors.totalCount, 'actor', 'actors')}, ${count(statements.totalCount, 'statement', 'statements')} and ${count(claims.totalCount, 'claim', 'claims')} match “${shown.current?.text ?? props.text}”.`;
  return (
    <div aria-busy={result.fetching}>
      <p role="status" className="summary">
        {summary}
      </p>
      <div className="results">
        <section aria-labelledby="actors-found">
          <h2 id="actors-found">Actors ({actors.totalCount})</h2>
          <ul className="plain result-list">
            {actors.edges.map(({ node }) => (
              <li key={node.id}>
                <ActorLink actor={node} /> <span className="muted">{ACTOR_KIND[node.kind]}</span>
                {node.aliases.length ? <span className="muted"> · also {node.aliases.join(', ')}</span> : null}
              </li>
            ))}
          </ul>
        </section>
        <section aria-labelledby="claims-found">
          <h2 id="claims-found">Claims ({claims.totalCount})</h2>
          <ul className="plain result-list">
            {claims.edges.map(({ node }) => (
              <li key={node.id}>
                <Link to={`/claims/${node.slug}`}>{node.text}</Link> <ClaimStatusBadge claim={node} />
              </li>
            ))}
          </ul>
        </section>
        <section aria-labelledby="statements-found" className="wide">
          <h2 id="statements-found">Statements ({statements.totalCount})</h2>
          <ol className="statement-list">
            {statements.edges.map(({ node }) => (
              <li key={node.id}>
                <StatementCard statement={node} />
              </li>
            ))}
          </ol>
        </section>
      </div>
    </div>
  );
}

function Browse() {
  const [result, reexecute] = useQuery({ query: HomeQuery });
  const live = useLiveStatements(useCallback(() => true, []));
  useRevalidate(live.revision, reexecute);
  const data = result.data;
  if (!data) return <QueryState fetching={result.fetching} error={result.error} />;
  return (
    <div className="results">
      <section aria-labelledby="sources">
        <h2 id="sources">Sources</h2>
        <ul className="plain result-list">
          {data.sources.edges.map(({ node }) => (
            <li key={node.id}>
              <Link to={`/sources/${node.slug}`}>{node.title}</Link>{' '}
              <span className="muted">
                {[node.publisher, node.publishedOn ? formatDate(node.publishedOn) : null].filter(Boolean).join(', ')}
                {node.publisher || node.publishedOn ? ' · ' : ''}
                {count(node.statements.totalCount, 'statement', 'statements')}
              </span>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="latest" className="wide">
        <h2 id="latest">Latest statements</h2>
        <LiveStatus live={live} />
        <ol className="statement-list">
          {data.statements.edges.map(({ node }) => (
            <li key={node.id}>
              <StatementCard statement={node} />
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}

export function SearchPage() {
  const [params, setParams] = useSearchParams();
  const committed = params.get('q') ?? '';
  const [typed, setTyped] = useState(committed);
  usePageTitle(committed ? `Search: ${committed}` : null);

  useEffect(() => {
    if (typed === committed) return;
    const timer = setTimeout(() => setParams(typed ? { q: typed } : {}, { replace: true }), TYPING_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [typed, committed, setParams]);

  const text = committed.trim();
  return (
    <div className="page search-page">
      <h1>Who said what, about which claim, in answer to whom</h1>
      <form role="search" className="search" onSubmit={(event) => event.preventDefault()}>
        <label htmlFor="search">Search actors, statements and claims</label>
        <input
          id="search"
          type="search"
          value={typed}
          onChange={(event: ChangeEvent<HTMLInputElement>) => setTyped(event.target.value)}
          placeholder="e.g. Lin Jian, Kursk, troops"
          autoComplete="off"
          spellCheck={false}
        />
      </form>
      {text.length >= MIN_LENGTH ? <Results text={text} /> : <Browse />}
    </div>
  );
}
