import { useCallback } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { ActorLink } from '../components/actor-link';
import { LiveStatus } from '../components/live-status';
import { type PageSlot, Pages } from '../components/pages';
import { QueryState } from '../components/query-state';
import { StatementListPage } from '../components/statement-list';
import { graphql } from '../gql';
import { type LiveStatement, useLiveStatements, useRevalidate } from '../graphql/live';
import { ACTOR_KIND, formatDate } from '../labels';
import { usePageTitle } from '../page-title';

const PAGE_SIZE = 10;

const ActorPageQuery = graphql(`
  query ActorPage($slug: String!) {
    actor(slug: $slug) {
      id
      slug
      name
      kind
      aliases
      description
      wikidataId
      wikidataUrl
      affiliations {
        id
        role
        from
        until
        organization {
          ...ActorLink_actor
        }
      }
      members {
        id
        role
        from
        until
        actor {
          ...ActorLink_actor
        }
      }
    }
  }
`);

const ActorSpokeQuery = graphql(`
  query ActorPageStatements($slug: String!, $first: Int!, $after: String) {
    actor(slug: $slug) {
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

const ActorOnBehalfQuery = graphql(`
  query ActorPageStatementsOnBehalf($slug: String!, $first: Int!, $after: String) {
    actor(slug: $slug) {
      id
      statementsOnBehalf(first: $first, after: $after) {
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

function period(from: string | null | undefined, until: string | null | undefined): string {
  if (!from && !until) return 'dates unknown';
  if (!until) return `since ${formatDate(from)}`;
  return `${from ? formatDate(from) : 'unknown'} – ${formatDate(until)}`;
}

/** Undated roles last, the others oldest first: a timeline. */
const byStart = <T extends { from?: string | null }>(list: readonly T[]) =>
  [...list].sort((a, b) => (a.from ?? '9999').localeCompare(b.from ?? '9999'));

function SpokePage(props: { slug: string; slot: PageSlot; label: string }) {
  const [result, reexecute] = useQuery({ query: ActorSpokeQuery, variables: { slug: props.slug, first: PAGE_SIZE, after: props.slot.after } });
  useRevalidate(props.slot.revision, reexecute);
  return <StatementListPage slot={props.slot} fetching={result.fetching} error={result.error} connection={result.data?.actor?.statements} label={props.label} />;
}

function OnBehalfPage(props: { slug: string; slot: PageSlot; label: string }) {
  const [result, reexecute] = useQuery({ query: ActorOnBehalfQuery, variables: { slug: props.slug, first: PAGE_SIZE, after: props.slot.after } });
  useRevalidate(props.slot.revision, reexecute);
  return <StatementListPage slot={props.slot} fetching={result.fetching} error={result.error} connection={result.data?.actor?.statementsOnBehalf} label={props.label} />;
}

export function ActorPage() {
  const { slug = '' } = useParams();
  const [result] = useQuery({ query: ActorPageQuery, variables: { slug } });
  const actor = result.data?.actor;
  usePageTitle(actor?.name);
  const concerns = useCallback((statement: LiveStatement) => statement.speaker.slug === slug || statement.onBehalfOf?.slug === slug, [slug]);
  const live = useLiveStatements(concerns);
  if (!actor) return <QueryState fetching={result.fetching} error={result.error} missing={`No actor has the slug “${slug}”.`} />;
  const saidBy = `Statements by ${actor.name}`;
  const saidFor = `Statements made on behalf of ${actor.name}`;
  return (
    <article className="page actor-page">
      <header className="page-header">
        <p className="eyebrow">{ACTOR_KIND[actor.kind]}</p>
        <h1>{actor.name}</h1>
        {actor.aliases.length ? <p>Also known as {actor.aliases.join(', ')}</p> : null}
        {actor.description ? <p>{actor.description}</p> : null}
        <p className="actions">
          {actor.wikidataUrl ? (
            <a href={actor.wikidataUrl} rel="external noopener noreferrer">
              Wikidata {actor.wikidataId}
            </a>
          ) : (
            <span className="muted">No Wikidata item recorded</span>
          )}
          <Link to={`/graph/actor/${actor.slug}`}>Who answered whom around {actor.name}</Link>
        </p>
      </header>

      {actor.affiliations.length ? (
        <section aria-labelledby="roles">
          <h2 id="roles">Roles over time</h2>
          <ol className="timeline">
            {byStart(actor.affiliations).map((affiliation) => (
              <li key={affiliation.id}>
                <span className="when">{period(affiliation.from, affiliation.until)}</span> {affiliation.role}, <ActorLink actor={affiliation.organization} />
              </li>
            ))}
          </ol>
        </section>
      ) : null}

      {actor.members.length ? (
        <section aria-labelledby="members">
          <h2 id="members">Who holds roles in {actor.name}</h2>
          <ol className="timeline">
            {byStart(actor.members).map((member) => (
              <li key={member.id}>
                <span className="when">{period(member.from, member.until)}</span> <ActorLink actor={member.actor} />, {member.role}
              </li>
            ))}
          </ol>
        </section>
      ) : null}

      <LiveStatus live={live} />

      <section aria-labelledby="spoke">
        <h2 id="spoke">{saidBy}</h2>
        <Pages key={`spoke-${slug}`} revision={live.revision}>
          {(slot) => <SpokePage slug={slug} slot={slot} label={saidBy} />}
        </Pages>
      </section>

      <section aria-labelledby="on-behalf">
        <h2 id="on-behalf">{saidFor}</h2>
        <Pages key={`behalf-${slug}`} revision={live.revision}>
          {(slot) => <OnBehalfPage slug={slug} slot={slot} label={saidFor} />}
        </Pages>
      </section>
    </article>
  );
}
