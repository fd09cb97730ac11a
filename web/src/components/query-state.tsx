import type { CombinedError } from 'urql';
import { Link } from 'react-router';

function codesOf(error: CombinedError): string[] {
  return error.graphQLErrors.map((failure) => String(failure.extensions?.code ?? ''));
}

/** Loading, failure and "not found" for a page's query, said in words a reader understands. */
export function QueryState(props: { fetching: boolean; error: CombinedError | undefined; missing?: string | false }) {
  if (props.error) {
    const codes = codesOf(props.error);
    if (codes.includes('UNAUTHENTICATED') || codes.includes('FORBIDDEN')) {
      return (
        <div className="notice error" role="alert">
          This service needs an API token with the read scope. <Link to="/settings">Add one in Settings</Link>.
        </div>
      );
    }
    if (codes.includes('RATE_LIMITED')) {
      return (
        <div className="notice error" role="alert">
          Too many requests for now; try again in a minute.
        </div>
      );
    }
    return (
      <div className="notice error" role="alert">
        The service could not answer: {props.error.graphQLErrors[0]?.message ?? props.error.networkError?.message ?? 'unknown error'}.
      </div>
    );
  }
  if (props.fetching) {
    return (
      <p className="loading" role="status">
        Loading…
      </p>
    );
  }
  if (props.missing) {
    return (
      <div className="notice">
        <p>{props.missing}</p>
        <p>
          <Link to="/">Search</Link> for what you are looking for.
        </p>
      </div>
    );
  }
  return null;
}
