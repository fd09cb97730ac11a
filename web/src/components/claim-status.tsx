import { type FragmentType, getFragmentData, graphql } from '../gql';
import type { ClaimStatus } from '../gql/graphql';
import { CLAIM_STATUS } from '../labels';

export const ClaimStatusFragment = graphql(`
  fragment ClaimStatus_claim on Claim {
    status
  }
`);

export function StatusBadge(props: { status: ClaimStatus }) {
  return <span className={`status status-${props.status.toLowerCase()}`}>{CLAIM_STATUS[props.status]}</span>;
}

export function ClaimStatusBadge(props: { claim: FragmentType<typeof ClaimStatusFragment> }) {
  return <StatusBadge status={getFragmentData(ClaimStatusFragment, props.claim).status} />;
}
