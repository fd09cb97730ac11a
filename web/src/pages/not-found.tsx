import { Link } from 'react-router';
import { usePageTitle } from '../page-title';

export function NotFoundPage() {
  usePageTitle('Not found');
  return (
    <div className="page">
      <h1>Nothing here</h1>
      <p>
        This address names no page of the explorer. <Link to="/">Search</Link> for an actor, a statement or a claim.
      </p>
    </div>
  );
}
