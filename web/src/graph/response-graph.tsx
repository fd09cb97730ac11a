import { type MouseEvent, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import type { FragmentType } from '../gql';
import { RESPONSE_KIND, RESPONSE_KINDS } from '../labels';
import { describeActor, type GraphLayout, layOut } from './layout';
import { type ResponseGraphFragment, responseGraph } from './model';

type State = { status: 'laying-out' } | { status: 'ready'; layout: GraphLayout } | { status: 'failed'; message: string };

/** In-app navigation for links inside the SVG, which React Router's <Link> does not render. */
function useSvgNavigation() {
  const navigate = useNavigate();
  return (event: MouseEvent<Element>, to: string) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
}

/**
 * Who answered whom: actors are boxes (a click opens the actor), each response is an arrow from the one who
 * answered to the one answered, coloured and labelled by kind (a click opens the statement). The list under it
 * says the same in words, for screen readers and small screens.
 */
export function ResponseGraph(props: { statements: readonly FragmentType<typeof ResponseGraphFragment>[]; title: string }) {
  const model = useMemo(() => responseGraph(props.statements), [props.statements]);
  const [state, setState] = useState<State>({ status: 'laying-out' });
  const open = useSvgNavigation();

  useEffect(() => {
    let current = true;
    setState({ status: 'laying-out' });
    layOut(model).then(
      (layout) => current && setState({ status: 'ready', layout }),
      (error: unknown) => current && setState({ status: 'failed', message: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      current = false;
    };
  }, [model]);

  if (!model.responses.length) return <p className="muted">Nobody here answered anybody: there is no response to draw.</p>;
  const kinds = RESPONSE_KINDS.filter((kind) => model.responses.some((response) => response.kind === kind));
  return (
    <figure className="graph" data-state={state.status} data-actors={model.actors.length} data-responses={model.responses.length}>
      <div className="graph-canvas">
        {state.status === 'laying-out' ? <p role="status">Drawing the graph…</p> : null}
        {state.status === 'failed' ? <p role="alert">The graph could not be drawn: {state.message}</p> : null}
        {state.status === 'ready' ? (
          <svg
            viewBox={`0 0 ${state.layout.width} ${state.layout.height}`}
            width={state.layout.width}
            height={state.layout.height}
            role="group"
            aria-label={`${props.title}: ${model.actors.length} actors, ${model.responses.length} responses`}
          >
            <defs>
              {RESPONSE_KINDS.map((kind) => (
                <marker key={kind} id={`arrow-${kind}`} className={`kind-${kind.toLowerCase()}`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                  <path d="M0,0 L10,5 L0,10 z" />
                </marker>
              ))}
            </defs>
            <g>
              {state.layout.responses.map(({ response, path, label }) => (
                <a
                  key={response.id}
                  href={`/statements/${response.slug}`}
                  className={`graph-edge kind-${response.kind.toLowerCase()}${response.retracted ? ' retracted' : ''}`}
                  aria-label={`${response.from.name} ${RESPONSE_KIND[response.kind]} ${response.to.name}: “${response.text}”`}
                  onClick={(event) => open(event, `/statements/${response.slug}`)}
                >
                  <title>{`${response.from.name} ${RESPONSE_KIND[response.kind]} ${response.to.name}: “${response.text}”`}</title>
                  <path className="hit" d={path} />
                  <path className="line" d={path} markerEnd={`url(#arrow-${response.kind})`} />
                  {label ? (
                    <g className="edge-label">
                      <rect x={label.x} y={label.y} width={label.width} height={label.height} rx={3} />
                      <text x={label.x + label.width / 2} y={label.y + label.height / 2}>
                        {label.text}
                      </text>
                    </g>
                  ) : null}
                </a>
              ))}
            </g>
            <g>
              {state.layout.actors.map(({ actor, x, y, width, height, label }) => (
                <a key={actor.slug} href={`/actors/${actor.slug}`} className={`graph-node actor-${actor.kind.toLowerCase()}`} aria-label={describeActor(actor)} onClick={(event) => open(event, `/actors/${actor.slug}`)}>
                  <title>{describeActor(actor)}</title>
                  <rect x={x} y={y} width={width} height={height} rx={8} />
                  <text x={x + width / 2} y={y + height / 2}>
                    {label}
                  </text>
                </a>
              ))}
            </g>
          </svg>
        ) : null}
      </div>
      <figcaption>
        <ul className="legend" aria-label="Kinds of response">
          {kinds.map((kind) => (
            <li key={kind} className={`kind-${kind.toLowerCase()}`}>
              <span className="swatch" aria-hidden="true" /> {RESPONSE_KIND[kind]}
            </li>
          ))}
        </ul>
        <details className="graph-list">
          <summary>
            The {model.responses.length} responses in words ({model.actors.length} actors)
          </summary>
          <ul>
            {model.responses.map((response) => (
              <li key={response.id}>
                <Link to={`/actors/${response.from.slug}`}>{response.from.name}</Link> <span className={`kind kind-${response.kind.toLowerCase()}`}>{RESPONSE_KIND[response.kind]}</span>{' '}
                <Link to={`/actors/${response.to.slug}`}>{response.to.name}</Link>: <Link to={`/statements/${response.slug}`}>“{response.text}”</Link>
              </li>
            ))}
          </ul>
        </details>
      </figcaption>
    </figure>
  );
}
