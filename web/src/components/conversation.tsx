import { Link } from 'react-router';
import { type FragmentType, getFragmentData, graphql } from '../gql';
import { formatDate, RESPONSE_KIND } from '../labels';
import { SpeakerLinks } from './actor-link';

export const ConversationTurnFragment = graphql(`
  fragment ConversationTurn_statement on Statement {
    id
    slug
    text
    kind
    saidOn
    retracted
    responseKind
    speaker {
      ...ActorLink_actor
    }
    onBehalfOf {
      ...ActorLink_actor
    }
    respondsTo {
      speaker {
        name
      }
    }
  }
`);

/** One turn: who, how it answers the turn before, what they said. The current statement is not a link. */
export function ConversationTurn(props: { statement: FragmentType<typeof ConversationTurnFragment>; current?: boolean }) {
  const turn = getFragmentData(ConversationTurnFragment, props.statement);
  const quoteClass = turn.kind === 'DIRECT_QUOTE' ? 'quote direct' : 'quote';
  return (
    <div className={`turn${props.current ? ' current' : ''}${turn.retracted ? ' retracted' : ''}`} aria-current={props.current ? 'true' : undefined}>
      <p className="turn-head">
        <SpeakerLinks speaker={turn.speaker} onBehalfOf={turn.onBehalfOf} />
        {turn.responseKind && turn.respondsTo ? (
          <span className={`kind kind-${turn.responseKind.toLowerCase()}`}>
            {' '}
            {RESPONSE_KIND[turn.responseKind]} {turn.respondsTo.speaker.name}
          </span>
        ) : null}
        <span className="muted"> · {formatDate(turn.saidOn)}</span>
        {turn.retracted ? <strong className="retracted-label"> · retracted</strong> : null}
      </p>
      {props.current ? (
        <p className="turn-text">
          <span className={quoteClass}>{turn.text}</span>
        </p>
      ) : (
        <p className="turn-text">
          <Link to={`/statements/${turn.slug}`} className={quoteClass}>
            {turn.text}
          </Link>
        </p>
      )}
    </div>
  );
}

/** A thread read top to bottom, the way people answered each other: the root first, `current` last. */
export function Conversation(props: { thread: readonly FragmentType<typeof ConversationTurnFragment>[]; current: FragmentType<typeof ConversationTurnFragment> }) {
  return (
    <ol className="conversation">
      {props.thread.map((turn, index) => (
        <li key={getFragmentData(ConversationTurnFragment, turn).id ?? index}>
          <ConversationTurn statement={turn} />
        </li>
      ))}
      <li>
        <ConversationTurn statement={props.current} current />
      </li>
    </ol>
  );
}
