import { Link } from 'react-router';
import { type FragmentType, getFragmentData, graphql } from '../gql';

export const ActorLinkFragment = graphql(`
  fragment ActorLink_actor on Actor {
    slug
    name
  }
`);

export function ActorLink(props: { actor: FragmentType<typeof ActorLinkFragment> }) {
  const actor = getFragmentData(ActorLinkFragment, props.actor);
  return <Link to={`/actors/${actor.slug}`}>{actor.name}</Link>;
}

/** "Lin Jian (for China)": who spoke, and whom for when that is someone else. */
export function SpeakerLinks(props: { speaker: FragmentType<typeof ActorLinkFragment>; onBehalfOf?: FragmentType<typeof ActorLinkFragment> | null }) {
  return (
    <>
      <ActorLink actor={props.speaker} />
      {props.onBehalfOf ? (
        <>
          {' '}
          <span className="muted">(for</span> <ActorLink actor={props.onBehalfOf} />
          <span className="muted">)</span>
        </>
      ) : null}
    </>
  );
}
