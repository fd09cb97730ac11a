import { Link } from 'react-router';
import { type FragmentType, getFragmentData, graphql } from '../gql';
import type { ClaimSides_ClaimFragment, ClaimStatus, StancePosition } from '../gql/graphql';
import { formatDate, POSITION } from '../labels';

export const ClaimSidesFragment = graphql(`
  fragment ClaimSides_claim on Claim {
    status
    statements(first: 100, includeRetracted: true) {
      totalCount
      edges {
        position
        node {
          id
          slug
          text
          kind
          saidOn
          retracted
          speaker {
            slug
            name
          }
          onBehalfOf {
            slug
            name
          }
        }
      }
    }
  }
`);

type Side = 'for' | 'against' | 'neither';

const SIDE: Record<StancePosition, Side> = {
  ASSERTS: 'for',
  SUPPORTS: 'for',
  DENIES: 'against',
  QUESTIONS: 'against',
  DECLINES_TO_CONFIRM: 'neither',
};

const SIDE_TITLE: Record<Side, string> = {
  for: 'Asserting or supporting',
  against: 'Denying or questioning',
  neither: 'Declining to confirm',
};

interface Entry {
  id: string;
  slug: string;
  text: string;
  direct: boolean;
  saidOn: string | null | undefined;
  retracted: boolean;
  position: StancePosition;
  speaker: { slug: string; name: string };
  /** The actor the stance counts for: whom the speaker spoke for, else the speaker. */
  actor: { slug: string; name: string };
}

const chronological = (a: Entry, b: Entry) => (a.saidOn ?? '9999').localeCompare(b.saidOn ?? '9999');

/** "China asserts it", "China and Russia assert it". */
const verb = (subjects: readonly string[], one: string, many: string) => (subjects.length === 1 ? one : many);

function names(list: readonly string[]): string {
  if (list.length <= 1) return list.join('');
  return `${list.slice(0, -1).join(', ')} and ${list.at(-1)}`;
}

function entriesOf(claim: ClaimSides_ClaimFragment): Entry[] {
  return claim.statements.edges.map(({ position, node }) => ({
    id: node.id,
    slug: node.slug,
    text: node.text,
    direct: node.kind === 'DIRECT_QUOTE',
    saidOn: node.saidOn,
    retracted: node.retracted,
    position,
    speaker: node.speaker,
    actor: node.onBehalfOf ?? node.speaker,
  }));
}

/** The actors on each side, each with what they said, in the order they said it. */
function sides(entries: readonly Entry[]) {
  const grouped = new Map<Side, Map<string, { actor: Entry['actor']; entries: Entry[] }>>();
  for (const entry of [...entries].sort(chronological)) {
    const side = SIDE[entry.position];
    const actors = grouped.get(side) ?? new Map();
    grouped.set(side, actors);
    const group = actors.get(entry.actor.slug) ?? { actor: entry.actor, entries: [] };
    actors.set(entry.actor.slug, group);
    group.entries.push(entry);
  }
  return grouped;
}

/** Why the claim has its status, in a sentence built from the stances that count (not retracted, not declining). */
function explanation(status: ClaimStatus, entries: readonly Entry[]): string {
  const counting = entries.filter((entry) => !entry.retracted);
  const on = (side: Side) => [...new Set(counting.filter((entry) => SIDE[entry.position] === side).map((entry) => entry.actor.name))];
  const [supporters, opponents, abstaining] = [on('for'), on('against'), on('neither')];
  const both = supporters.filter((name) => opponents.includes(name));
  const changed = both.length ? ` ${names(both)} took both sides; only ${verb(both, 'its', 'their')} latest statement counts.` : '';
  const declined = abstaining.length ? ` ${names(abstaining)} declined to confirm, which counts for neither side.` : '';
  const support = `${names(supporters)} ${verb(supporters, 'asserts or supports', 'assert or support')} it`;
  const oppose = `${names(opponents)} ${verb(opponents, 'denies or questions', 'deny or question')} it`;
  switch (status) {
    case 'ASSERTED':
      return `Asserted: ${supporters.length ? support : 'it is asserted'}, and no other actor denies or questions it.${changed}${declined}`;
    case 'DENIED':
      return `Denied: ${opponents.length ? oppose : 'it is denied'}, and no other actor asserts or supports it.${changed}${declined}`;
    case 'CONTESTED':
      return `Contested: ${support}, while ${oppose}.${changed}${declined}`;
    case 'UNRESOLVED':
      return `Unresolved: no actor takes a position either way.${declined}`;
  }
}

function EntryLine(props: { entry: Entry; showActor?: boolean }) {
  const { entry } = props;
  const spokeFor = entry.speaker.slug !== entry.actor.slug;
  return (
    <>
      <span className="when">{formatDate(entry.saidOn)}</span>{' '}
      {props.showActor ? (
        <>
          <Link to={`/actors/${entry.actor.slug}`}>{entry.actor.name}</Link>{' '}
        </>
      ) : null}
      <span className={`position position-${entry.position.toLowerCase()}`}>{POSITION[entry.position]}</span>
      {spokeFor ? (
        <span className="muted">
          {' '}
          (through <Link to={`/actors/${entry.speaker.slug}`}>{entry.speaker.name}</Link>)
        </span>
      ) : null}
      : <Link to={`/statements/${entry.slug}`} className={entry.direct ? 'quote direct' : 'quote'}>{entry.text}</Link>
      {entry.retracted ? <strong className="retracted-label"> · retracted, does not count</strong> : null}
    </>
  );
}

export function ClaimWhy(props: { claim: FragmentType<typeof ClaimSidesFragment> }) {
  const claim = getFragmentData(ClaimSidesFragment, props.claim);
  return <p className="why">{explanation(claim.status, entriesOf(claim))}</p>;
}

export function ClaimSides(props: { claim: FragmentType<typeof ClaimSidesFragment> }) {
  const claim = getFragmentData(ClaimSidesFragment, props.claim);
  const grouped = sides(entriesOf(claim));
  const order: Side[] = ['for', 'against', 'neither'];
  return (
    <div className="sides">
      {order.map((side) => {
        const actors = [...(grouped.get(side)?.values() ?? [])];
        return (
          <section key={side} className={`side side-${side}`} aria-labelledby={`side-${side}`}>
            <h3 id={`side-${side}`}>
              {SIDE_TITLE[side]} ({actors.length})
            </h3>
            {actors.length === 0 ? <p className="muted">Nobody.</p> : null}
            <ul className="plain">
              {actors.map(({ actor, entries }) => (
                <li key={actor.slug} className="side-actor">
                  <p className="side-actor-name">
                    <Link to={`/actors/${actor.slug}`}>{actor.name}</Link>
                  </p>
                  <ul className="plain side-statements">
                    {entries.map((entry) => (
                      <li key={entry.id} className={entry.retracted ? 'retracted' : undefined}>
                        <EntryLine entry={entry} />
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
          </section>
        );
      })}
      {claim.statements.totalCount > claim.statements.edges.length ? (
        <p className="muted">The {claim.statements.edges.length} latest of {claim.statements.totalCount} statements are shown.</p>
      ) : null}
    </div>
  );
}

/** Every stance on the claim, oldest first: how the sides formed. */
export function ClaimTimeline(props: { claim: FragmentType<typeof ClaimSidesFragment> }) {
  const entries = entriesOf(getFragmentData(ClaimSidesFragment, props.claim)).sort(chronological);
  if (!entries.length) return <p className="muted">No statement takes a stance on this claim yet.</p>;
  return (
    <ol className="timeline">
      {entries.map((entry) => (
        <li key={entry.id} className={entry.retracted ? 'retracted' : undefined}>
          <EntryLine entry={entry} showActor />
        </li>
      ))}
    </ol>
  );
}
