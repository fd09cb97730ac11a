import { Link } from 'react-router';
import { type FragmentType, getFragmentData, graphql } from '../gql';
import { formatDate, RESPONSE_KIND, STATEMENT_KIND } from '../labels';
import { SpeakerLinks } from './actor-link';
import { StanceList } from './stance-list';

export const StatementCardFragment = graphql(`
  fragment StatementCard_statement on Statement {
    slug
    text
    kind
    saidOn
    retracted
    speaker {
      ...ActorLink_actor
    }
    onBehalfOf {
      ...ActorLink_actor
    }
    source {
      slug
      title
    }
    responseKind
    respondsTo {
      slug
      speaker {
        name
      }
    }
    stances {
      ...StanceList_stance
    }
  }
`);

/** One statement in a list: the quote (a link to its page), who said it, when, where, and what it does. */
export function StatementCard(props: { statement: FragmentType<typeof StatementCardFragment>; showSource?: boolean }) {
  const statement = getFragmentData(StatementCardFragment, props.statement);
  return (
    <article className={statement.retracted ? 'statement-card retracted' : 'statement-card'}>
      <blockquote>
        <Link to={`/statements/${statement.slug}`} className={statement.kind === 'DIRECT_QUOTE' ? 'quote direct' : 'quote'}>
          {statement.text}
        </Link>
      </blockquote>
      <p className="meta">
        <SpeakerLinks speaker={statement.speaker} onBehalfOf={statement.onBehalfOf} /> · {formatDate(statement.saidOn)} · {STATEMENT_KIND[statement.kind]}
        {props.showSource === false ? null : (
          <>
            {' '}
            · in <Link to={`/sources/${statement.source.slug}`}>{statement.source.title}</Link>
          </>
        )}
        {statement.retracted ? <strong className="retracted-label"> · retracted</strong> : null}
      </p>
      {statement.respondsTo && statement.responseKind ? (
        <p className="meta">
          {RESPONSE_KIND[statement.responseKind]} <Link to={`/statements/${statement.respondsTo.slug}`}>{statement.respondsTo.speaker.name}</Link>
        </p>
      ) : null}
      <StanceList stances={statement.stances} compact />
    </article>
  );
}
