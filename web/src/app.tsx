import { useEffect, useMemo, useRef } from 'react';
import { BrowserRouter, NavLink, Route, Routes, useLocation } from 'react-router';
import { Provider } from 'urql';
import { createClient } from './graphql/client';
import { useToken } from './graphql/token';
import { ActorPage } from './pages/actor';
import { ClaimPage } from './pages/claim';
import { GraphPage } from './pages/graph';
import { NotFoundPage } from './pages/not-found';
import { ReviewIngestionPage, ReviewQueuePage } from './pages/review';
import { SearchPage } from './pages/search';
import { SettingsPage } from './pages/settings';
import { SourcePage } from './pages/source';
import { StatementPage } from './pages/statement';

/**
 * Every page of the explorer. The service answers these paths with the app (src/http/web-app.ts keeps the same
 * list of prefixes). A new page is one route here, one file in pages/, and its prefix there: the review queue
 * for ingestion drafts will be `/review`.
 */
function Pages() {
  return (
    <Routes>
      <Route path="/" element={<SearchPage />} />
      <Route path="/actors/:slug" element={<ActorPage />} />
      <Route path="/statements/:slug" element={<StatementPage />} />
      <Route path="/claims/:slug" element={<ClaimPage />} />
      <Route path="/sources/:slug" element={<SourcePage />} />
      <Route path="/graph/:scope/:slug" element={<GraphPage />} />
      <Route path="/settings" element={<SettingsPage />} />
      <Route path="/review" element={<ReviewQueuePage />} />
      <Route path="/review/:id" element={<ReviewIngestionPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}

/** After a navigation, focus moves to the new page's content, as a page load would put a screen reader there. */
function useFocusOnNavigation() {
  const { pathname } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById('main')?.focus();
  }, [pathname]);
}

function Layout() {
  useFocusOnNavigation();
  const token = useToken();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <NavLink to="/" className="brand" end>
          Fact explorer
        </NavLink>
        <nav aria-label="Main">
          <ul>
            <li>
              <NavLink to="/" end>
                Search
              </NavLink>
            </li>
            <li>
              <NavLink to="/review">Review</NavLink>
            </li>
            <li>
              <NavLink to="/settings">{token ? 'Token set' : 'Token'}</NavLink>
            </li>
            <li>
              <a href="/graphql">API</a>
            </li>
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <Pages />
      </main>
      <footer className="site-footer">
        <p>A claim’s status is derived from the stances recorded, never set by hand. Every quote keeps its source.</p>
      </footer>
    </>
  );
}

export function App() {
  const token = useToken();
  // A new token means other answers: start from an empty cache.
  const client = useMemo(() => createClient(token), [token]);
  return (
    <Provider value={client}>
      <BrowserRouter>
        <Layout />
      </BrowserRouter>
    </Provider>
  );
}
