import { Link } from 'react-router';
import { type FragmentType, getFragmentData, graphql } from '../gql';
import { POSITION } from '../labels';
import { ClaimStatusBadge } from './claim-status';

export const StanceListFragment = graphql(`
  fragment StanceList_stance on Stance {
    position
    claim {
      slug
      text
      ...ClaimStatus_claim
    }
  }
`);

/** The positions a statement takes, each with the claim's derived status. */
export function StanceList(props: { stances: readonly FragmentType<typeof StanceListFragment>[]; compact?: boolean }) {
  const stances = getFragmentData(StanceListFragment, props.stances);
  if (!stances.length) return null;
  return (
    <ul className={props.compact ? 'stances compact' : 'stances'}>
      {stances.map((stance) => (
        <li key={stance.claim.slug}>
          <span className={`position position-${stance.position.toLowerCase()}`}>{POSITION[stance.position]}</span>{' '}
          <Link to={`/claims/${stance.claim.slug}`}>{stance.claim.text}</Link> <ClaimStatusBadge claim={stance.claim} />
        </li>
      ))}
    </ul>
  );
}
