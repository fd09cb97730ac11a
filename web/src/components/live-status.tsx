import type { Live } from '../graphql/live';

/** Says, politely and once, that the page just changed; and whether it follows new statements at all. */
export function LiveStatus(props: { live: Live }) {
  const { latest, revision, connected } = props.live;
  return (
    <div className="live-status">
      <span className={connected ? 'live-dot on' : 'live-dot'} aria-hidden="true" />
      <span>{connected ? 'Live: new statements appear here' : 'Not following new statements'}</span>
      <p role="status" className="visually-hidden-when-empty">
        {latest && revision > 0 ? `New statement by ${latest.speaker.name}` : ''}
      </p>
    </div>
  );
}
