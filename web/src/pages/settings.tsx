import { type FormEvent, useState } from 'react';
import { setToken, useToken } from '../graphql/token';
import { usePageTitle } from '../page-title';

/**
 * Where a token goes in. Reads need one only when the service runs with PUBLIC_READS=false; the review queue
 * (accepting or rejecting ingestion drafts) will need one with the write scope. Responses to requests that carry
 * a token are never stored by shared caches (the service answers `Cache-Control: private, no-store`).
 */
export function SettingsPage() {
  usePageTitle('API token');
  const token = useToken();
  const [draft, setDraft] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const save = (event: FormEvent) => {
    event.preventDefault();
    setToken(draft);
    setDraft('');
    setSaved(draft.trim() ? 'The token is set for this tab.' : 'No token set.');
  };
  return (
    <div className="page settings-page">
      <h1>API token</h1>
      <p>
        {token ? 'A token is set: this tab sends it with every request.' : 'No token is set: this tab reads what the service shows to everyone.'} It stays in this tab only and is
        forgotten when the tab closes.
      </p>
      <form onSubmit={save} className="token-form">
        <label htmlFor="token">Token (fs_…)</label>
        <input id="token" type="password" autoComplete="off" value={draft} onChange={(event) => setDraft(event.target.value)} />
        <div className="buttons">
          <button type="submit" disabled={!draft.trim()}>
            Use this token
          </button>
          <button
            type="button"
            disabled={!token}
            onClick={() => {
              setToken(null);
              setSaved('The token is forgotten.');
            }}
          >
            Forget the token
          </button>
        </div>
      </form>
      <p role="status">{saved ?? ''}</p>
    </div>
  );
}
