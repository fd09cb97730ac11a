import { type FragmentType, getFragmentData, graphql } from '../gql';
import type { ActorKind, ResponseKind } from '../gql/graphql';

export const ResponseGraphFragment = graphql(`
  fragment ResponseGraph_statement on Statement {
    id
    slug
    text
    responseKind
    retracted
    speaker {
      slug
      name
      kind
    }
    respondsTo {
      id
      slug
      speaker {
        slug
        name
        kind
      }
    }
  }
`);

export interface GraphActor {
  slug: string;
  name: string;
  kind: ActorKind;
}

/** One response: `from` (who spoke) answered `to` (who spoke the statement answered), in the statement `slug`. */
export interface GraphResponse {
  id: string;
  slug: string;
  text: string;
  kind: ResponseKind;
  retracted: boolean;
  from: GraphActor;
  to: GraphActor;
}

export interface ResponseGraphModel {
  actors: GraphActor[];
  responses: GraphResponse[];
}

/**
 * Who answered whom among `statements`: every statement that responds to another is one directed edge from its
 * speaker to the other's speaker; the actors at either end are the nodes. A statement listed twice counts once.
 */
export function responseGraph(statements: readonly FragmentType<typeof ResponseGraphFragment>[]): ResponseGraphModel {
  const actors = new Map<string, GraphActor>();
  const responses = new Map<string, GraphResponse>();
  for (const statement of getFragmentData(ResponseGraphFragment, statements)) {
    if (!statement.respondsTo || !statement.responseKind || responses.has(statement.id)) continue;
    const from = actors.get(statement.speaker.slug) ?? { ...statement.speaker };
    const to = actors.get(statement.respondsTo.speaker.slug) ?? { ...statement.respondsTo.speaker };
    actors.set(from.slug, from);
    actors.set(to.slug, to);
    responses.set(statement.id, { id: statement.id, slug: statement.slug, text: statement.text, kind: statement.responseKind, retracted: statement.retracted, from, to });
  }
  return {
    actors: [...actors.values()].sort((a, b) => a.name.localeCompare(b.name)),
    responses: [...responses.values()],
  };
}
