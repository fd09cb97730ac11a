import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { QueryState } from '../components/query-state';
import { MarkedText } from '../components/source-text';
import { type FragmentType, getFragmentData, graphql } from '../gql';
import type { DraftStatus, StatementKind } from '../gql/graphql';
import { setToken, useToken } from '../graphql/token';
import { formatDate, STATEMENT_KIND } from '../labels';
import { usePageTitle } from '../page-title';

const ReviewQueueQuery = graphql(`
  query ReviewQueue {
    ingestions(first: 50) {
      totalCount
      edges {
        node {
          id
          title
          sourceSlug
          createdAt
          createdBy
          counts {
            pending
            accepted
            rejected
          }
        }
      }
    }
  }
`);

const ReviewIngestionQuery = graphql(`
  query ReviewIngestion($id: ID!, $status: DraftStatus) {
    ingestion(id: $id) {
      id
      title
      sourceSlug
      publishedOn
      text
      warnings {
        start
        end
        message
      }
      counts {
        pending
        accepted
        rejected
      }
      drafts(status: $status) {
        id
        ...DraftCard_draft
      }
    }
  }
`);

const DraftCard_draft = graphql(`
  fragment DraftCard_draft on IngestionDraft {
    id
    kind
    status
    text
    confidence
    rule
    flags
    statementKind
    parts {
      start
      end
    }
    quote {
      start
      end
    }
    speaker {
      slug
      name
      isNew
      score
      via
      alternatives {
        slug
        name
        score
      }
    }
    onBehalfOf {
      slug
      name
    }
    duplicates {
      kind
      slug
      text
      score
    }
    decidedBy
    rejectionReason
    statement {
      slug
    }
    claim {
      slug
    }
  }
`);

const IngestArticleMutation = graphql(`
  mutation IngestArticle($input: IngestArticleInput!) {
    ingestArticle(input: $input) {
      __typename
      ... on Error {
        message
      }
      ... on MutationIngestArticleSuccess {
        data {
          created
          ingestion {
            id
          }
        }
      }
    }
  }
`);

const AcceptDraftMutation = graphql(`
  mutation AcceptDraft($id: ID!, $edits: DraftEditsInput) {
    acceptDraft(id: $id, edits: $edits) {
      __typename
      ... on Error {
        message
      }
      ... on ValidationError {
        issues {
          path
          message
        }
      }
      ... on MutationAcceptDraftSuccess {
        data {
          statements {
            slug
          }
          claims {
            slug
          }
        }
      }
    }
  }
`);

const RejectDraftMutation = graphql(`
  mutation RejectDraft($id: ID!, $reason: String!) {
    rejectDraft(id: $id, reason: $reason) {
      __typename
      ... on Error {
        message
      }
      ... on MutationRejectDraftSuccess {
        data {
          id
          status
        }
      }
    }
  }
`);

const DRAFT_KIND: Record<string, string> = { ...STATEMENT_KIND, NUMERIC_CLAIM: 'numeric claim' };
const CONTEXT = 240;

/** Where the token goes in on this page: the review queue always needs one with the write scope. */
function TokenGate(props: { children: React.ReactNode }) {
  const token = useToken();
  const [value, setValue] = useState('');
  if (token) return <>{props.children}</>;
  const save = (event: FormEvent) => {
    event.preventDefault();
    setToken(value);
  };
  return (
    <form onSubmit={save} className="token-form">
      <p>The review queue needs an API token with the write scope. It is kept for this tab only and forgotten when the tab closes.</p>
      <label htmlFor="review-token">Token (fs_…)</label>
      <input id="review-token" type="password" autoComplete="off" value={value} onChange={(event) => setValue(event.target.value)} />
      <div className="buttons">
        <button type="submit" disabled={!value.trim()}>
          Use this token
        </button>
      </div>
    </form>
  );
}

function IngestForm() {
  const navigate = useNavigate();
  const [title, setTitle] = useState('');
  const [publishedOn, setPublishedOn] = useState('');
  const [text, setText] = useState('');
  const [message, setMessage] = useState('');
  const [{ fetching }, ingest] = useMutation(IngestArticleMutation);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await ingest({ input: { source: { title }, text, publishedOn: publishedOn || null } });
    const payload = result.data?.ingestArticle;
    if (payload?.__typename === 'MutationIngestArticleSuccess') navigate(`/review/${payload.data.ingestion.id}`);
    else setMessage(payload && 'message' in payload ? payload.message : (result.error?.message ?? 'The article could not be ingested.'));
  };
  return (
    <details>
      <summary>Ingest an article</summary>
      <form className="ingest-form" onSubmit={submit}>
        <label htmlFor="ingest-title">Title</label>
        <input id="ingest-title" value={title} onChange={(event) => setTitle(event.target.value)} required />
        <label htmlFor="ingest-date">Published on (YYYY-MM-DD)</label>
        <input id="ingest-date" value={publishedOn} onChange={(event) => setPublishedOn(event.target.value)} pattern="\d{4}-\d{2}-\d{2}" />
        <label htmlFor="ingest-text">Text</label>
        <textarea id="ingest-text" rows={8} value={text} onChange={(event) => setText(event.target.value)} required />
        <button type="submit" disabled={fetching || !title.trim() || !text.trim()}>
          Extract drafts
        </button>
        <p role="status">{message}</p>
      </form>
    </details>
  );
}

export function ReviewQueuePage() {
  usePageTitle('Review queue');
  return (
    <div className="page review-page">
      <h1>Review queue</h1>
      <p className="muted">Articles whose quotes, attributions and numeric claims wait for an editor. Nothing here is a fact until it is accepted.</p>
      <TokenGate>
        <IngestForm />
        <IngestionList />
      </TokenGate>
    </div>
  );
}

function IngestionList() {
  const [result] = useQuery({ query: ReviewQueueQuery, requestPolicy: 'cache-and-network' });
  const ingestions = result.data?.ingestions;
  if (!ingestions) return <QueryState fetching={result.fetching} error={result.error} />;
  if (ingestions.totalCount === 0) return <p>The queue is empty: ingest an article above, or with `npm run ingest -- article.txt --queue`.</p>;
  return (
    <ul className="plain results">
      {ingestions.edges.map(({ node }) => (
        <li key={node.id}>
          <Link to={`/review/${node.id}`}>{node.title}</Link>{' '}
          <span className="meta">
            {node.counts.pending} pending, {node.counts.accepted} accepted, {node.counts.rejected} rejected · by {node.createdBy}, {formatDate(node.createdAt.slice(0, 10))}
          </span>
        </li>
      ))}
    </ul>
  );
}

const STATUSES: (DraftStatus | 'ALL')[] = ['PENDING', 'ACCEPTED', 'REJECTED', 'ALL'];

export function ReviewIngestionPage() {
  const { id = '' } = useParams();
  const [status, setStatus] = useState<DraftStatus | 'ALL'>('PENDING');
  const [result, reexecute] = useQuery({ query: ReviewIngestionQuery, variables: { id, status: status === 'ALL' ? null : status } });
  const ingestion = result.data?.ingestion;
  usePageTitle(ingestion ? `Review: ${ingestion.title}` : 'Review');
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  return (
    <div className="page review-page">
      <p>
        <Link to="/review">Review queue</Link>
      </p>
      <TokenGate>
        {ingestion ? (
          <>
            <h1>{ingestion.title}</h1>
            <p className="meta">
              Source <code>{ingestion.sourceSlug}</code>, {formatDate(ingestion.publishedOn)} · {ingestion.counts.pending} pending, {ingestion.counts.accepted} accepted,{' '}
              {ingestion.counts.rejected} rejected
            </p>
            {ingestion.warnings.length ? (
              <div className="notice" role="note">
                {ingestion.warnings.map((warning) => (
                  <p key={`${warning.start}-${warning.end}`}>
                    At characters {warning.start}–{warning.end}: {warning.message}
                  </p>
                ))}
              </div>
            ) : null}
            <fieldset>
              <legend>Show drafts</legend>
              {STATUSES.map((value) => (
                <label key={value} className="radio">
                  <input type="radio" name="status" value={value} checked={status === value} onChange={() => setStatus(value)} /> {value.toLowerCase()}
                </label>
              ))}
            </fieldset>
            {ingestion.drafts.length === 0 ? <p>No drafts {status === 'ALL' ? '' : `are ${status.toLowerCase()}`}.</p> : null}
            <ol className="draft-list">
              {ingestion.drafts.map((draft) => (
                <li key={draft.id}>
                  <DraftCard draft={draft} text={ingestion.text} onDecided={refresh} />
                </li>
              ))}
            </ol>
          </>
        ) : (
          <QueryState fetching={result.fetching} error={result.error} missing="There is no ingestion with this id." />
        )}
      </TokenGate>
    </div>
  );
}

function DraftCard(props: { draft: FragmentType<typeof DraftCard_draft>; text: string; onDecided: () => void }) {
  const draft = getFragmentData(DraftCard_draft, props.draft);
  const [speaker, setSpeaker] = useState(draft.speaker?.slug ?? '');
  const [words, setWords] = useState(draft.text);
  const [kind, setKind] = useState<StatementKind | null>(draft.statementKind ?? null);
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState('');
  const [accepting, accept] = useMutation(AcceptDraftMutation);
  const [rejecting, reject] = useMutation(RejectDraftMutation);
  const spans = draft.parts.length > 0 ? draft.parts : draft.quote ? [draft.quote] : [];
  const from = Math.max(0, (spans[0]?.start ?? 0) - CONTEXT);
  const to = Math.min(props.text.length, (spans.at(-1)?.end ?? 0) + CONTEXT);
  const excerpt = props.text.slice(from, to);
  const highlights = spans.map((span, i) => ({ start: span.start - from, end: span.end - from, label: spans.length > 1 ? `Part ${i + 1} of the quote` : 'The draft' }));
  const heading = `draft-${draft.id}`;
  const isStatement = draft.kind !== 'NUMERIC_CLAIM';

  const onAccept = async (event: FormEvent) => {
    event.preventDefault();
    const edits = isStatement
      ? {
          ...(speaker && speaker !== draft.speaker?.slug ? { speaker } : {}),
          ...(words !== draft.text ? { text: words } : {}),
          ...(kind && kind !== draft.statementKind ? { kind } : {}),
        }
      : words !== draft.text
        ? { text: words }
        : {};
    const result = await accept({ id: draft.id, edits });
    const payload = result.data?.acceptDraft;
    if (payload?.__typename === 'MutationAcceptDraftSuccess') {
      setMessage('Accepted.');
      props.onDecided();
    } else if (payload && 'message' in payload) {
      const issues = payload.__typename === 'ValidationError' ? payload.issues.map((issue) => issue.message).join('; ') : '';
      setMessage(`Not accepted: ${payload.message}${issues ? ` (${issues})` : ''}`);
    } else setMessage(`Not accepted: ${result.error?.message ?? 'unknown error'}`);
  };
  const onReject = async () => {
    const result = await reject({ id: draft.id, reason });
    const payload = result.data?.rejectDraft;
    if (payload?.__typename === 'MutationRejectDraftSuccess') {
      setMessage('Rejected.');
      props.onDecided();
    } else setMessage(`Not rejected: ${payload && 'message' in payload ? payload.message : (result.error?.message ?? 'unknown error')}`);
  };

  return (
    <article className={`draft draft-status-${draft.status.toLowerCase()}`} aria-labelledby={heading}>
      <h2 id={heading} className="h3">
        {DRAFT_KIND[draft.kind]}
        {draft.speaker ? ` by ${draft.speaker.name}${draft.speaker.isNew ? ' (new actor)' : ''}` : ''}
        {draft.onBehalfOf && draft.onBehalfOf.slug !== draft.speaker?.slug ? `, for ${draft.onBehalfOf.name}` : ''}
      </h2>
      <p className="meta">
        {draft.status.toLowerCase()} · confidence {draft.confidence.toFixed(2)} · rule <code>{draft.rule}</code>
        {draft.speaker ? ` · speaker match ${draft.speaker.score.toFixed(2)} by ${draft.speaker.via}` : ''}
      </p>
      {draft.flags.length ? (
        <ul className="flags plain" aria-label="Flags">
          {draft.flags.map((flag) => (
            <li key={flag} className="kind">
              {flag}
            </li>
          ))}
        </ul>
      ) : null}
      <div className="excerpt">
        {from > 0 ? '…' : ''}
        <MarkedText text={excerpt} highlights={highlights} />
        {to < props.text.length ? '…' : ''}
      </div>
      {draft.duplicates.length ? (
        <div className="notice" role="note">
          May repeat:{' '}
          <ul className="duplicates plain">
            {draft.duplicates.map((duplicate) => (
              <li key={`${duplicate.kind}-${duplicate.slug}`}>
                <Link to={duplicate.kind === 'SIMILAR_CLAIM' ? `/claims/${duplicate.slug}` : `/statements/${duplicate.slug}`}>{duplicate.slug}</Link> (
                {duplicate.kind.toLowerCase().replace('_', ' ')}, {duplicate.score.toFixed(2)})
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {draft.status === 'PENDING' ? (
        <form onSubmit={onAccept} aria-label={`Decide on this ${DRAFT_KIND[draft.kind]}`}>
          {isStatement ? (
            <>
              <label htmlFor={`${heading}-speaker`}>Speaker (actor slug)</label>
              <input id={`${heading}-speaker`} value={speaker} onChange={(event) => setSpeaker(event.target.value)} list={`${heading}-alternatives`} />
              <datalist id={`${heading}-alternatives`}>
                {draft.speaker?.alternatives.map((alternative) => (
                  <option key={alternative.slug} value={alternative.slug}>
                    {alternative.name}
                  </option>
                ))}
              </datalist>
              <label htmlFor={`${heading}-kind`}>Kind</label>
              <select id={`${heading}-kind`} value={kind ?? 'DIRECT_QUOTE'} onChange={(event) => setKind(event.target.value as StatementKind)}>
                {Object.entries(STATEMENT_KIND).map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </select>
            </>
          ) : null}
          <label htmlFor={`${heading}-text`}>Text</label>
          <textarea id={`${heading}-text`} rows={3} value={words} onChange={(event) => setWords(event.target.value)} />
          <div className="buttons">
            <button type="submit" disabled={accepting.fetching}>
              Accept
            </button>
          </div>
          <label htmlFor={`${heading}-reason`}>Reason to reject</label>
          <input id={`${heading}-reason`} value={reason} onChange={(event) => setReason(event.target.value)} />
          <div className="buttons">
            <button type="button" disabled={rejecting.fetching || !reason.trim()} onClick={onReject}>
              Reject
            </button>
          </div>
        </form>
      ) : (
        <p>
          {draft.status === 'ACCEPTED' ? 'Accepted' : 'Rejected'}
          {draft.decidedBy ? ` by ${draft.decidedBy}` : ''}
          {draft.rejectionReason ? `: ${draft.rejectionReason}` : ''}
          {draft.statement ? (
            <>
              {' '}
              → <Link to={`/statements/${draft.statement.slug}`}>the statement</Link>
            </>
          ) : null}
          {draft.claim ? (
            <>
              {' '}
              → <Link to={`/claims/${draft.claim.slug}`}>the claim</Link>
            </>
          ) : null}
        </p>
      )}
      <p role="status">{message}</p>
    </article>
  );
}
