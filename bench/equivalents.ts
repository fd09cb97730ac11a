/**
 * PostGraphile's equivalent of each shape (its own idioms: `condition`/`filter`, `nodes`, raw UUIDs, FK ids
 * in mutations), and one normal form per shape so three differently shaped answers can be compared.
 */
import type { ShapeId } from './shapes.js';
import type { Targets } from './variables.js';
import { HOT } from './data.js';

export const POSTGRAPHILE: Record<ShapeId, string> = {
  Q1: `query Q1($id: UUID!) { statement(rowId: $id) { slug text kind saidOn speaker { slug name } } }`,
  Q2: `query Q2($search: String!) { statements(first: 20, filter: { text: { includesInsensitive: $search }, retractedAt: { isNull: true } }, orderBy: [SAID_ON_UNDATED_LAST_DESC, SEQ_DESC]) {
    edges { cursor node { rowId slug text saidOn speaker { slug name } } } pageInfo { hasNextPage endCursor } } }`,
  Q3: `query Q3 { actors(first: 20, orderBy: [NAME_ASC, ROW_ID_ASC]) { nodes { slug name
    statementsBySpeakerId(first: 10, filter: { retractedAt: { isNull: true } }, orderBy: [SAID_ON_UNDATED_LAST_DESC, SEQ_DESC]) {
      totalCount nodes { slug saidOn stances(orderBy: ROW_ID_ASC) { nodes { position claim { slug status } } } } } } } }`,
  Q4: `query Q4($slug: String!) { statements(condition: { slug: $slug }, first: 1) { nodes { slug text
    thread { nodes { slug text speaker { slug name } } }
    statementsByRespondsToId(first: 20, filter: { retractedAt: { isNull: true } }, orderBy: [SAID_ON_UNDATED_FIRST_ASC, SEQ_ASC]) {
      totalCount nodes { slug text responseKind speaker { slug name } } pageInfo { hasNextPage endCursor } } } } }`,
  Q5: `query Q5($slug: String!) { claims(condition: { slug: $slug }, first: 1) { nodes { slug status } }
    statements(first: 20, orderBy: [SAID_ON_UNDATED_LAST_DESC, SEQ_DESC], filter: { retractedAt: { isNull: true }, stances: { some: { position: { equalTo: DENIES }, claim: { slug: { equalTo: $slug } } } } }) {
      totalCount nodes { slug text saidOn speaker { slug name } } pageInfo { hasNextPage endCursor } } }`,
  Q6: `mutation Q6($statement: StatementInput!, $stance: StanceInput!) {
    createStatement(input: { statement: $statement }) { statement { slug text responseKind speaker { slug } } }
    createStance(input: { stance: $stance }) { stance { position claim { slug } } } }`,
  Q7: `query Q7($ids: [UUID!]!) { actors(filter: { rowId: { in: $ids } }) { nodes { slug name kind } } }`,
};

export interface WriteIds {
  speakerId: string;
  sourceId: string;
  respondsToId: string;
  threadIds: string[];
  claimIds: string[];
}

export function postgraphileVariables(targets: Targets): Record<ShapeId, Record<string, unknown>> {
  return {
    Q1: { id: targets.statementId },
    Q2: { search: HOT.searchTerm },
    Q3: {},
    Q4: { slug: HOT.threadStatement },
    Q5: { slug: HOT.claim },
    Q6: {},
    Q7: { ids: targets.actorIds },
  };
}

type Json = any;
const person = (speaker: Json) => (speaker ? { slug: speaker.slug, name: speaker.name } : null);

/** One shape's answer in a form all three contenders can reach: no cursors, no ids, lists in page order. */
export function normalize(shape: ShapeId, contender: 'ours' | 'limit' | 'postgraphile', body: Json): Json {
  if (body?.errors) return { errors: body.errors.map((error: Json) => error.message) };
  const data = body?.data;
  const pg = contender === 'postgraphile';
  switch (shape) {
    case 'Q1': {
      const node = pg ? data.statement : data.node;
      return node && { slug: node.slug, text: node.text, kind: node.kind, saidOn: node.saidOn, speaker: person(node.speaker) };
    }
    case 'Q2': {
      const connection = data.statements;
      return {
        nodes: connection.edges.map(({ node }: Json) => ({ slug: node.slug, text: node.text, saidOn: node.saidOn, speaker: person(node.speaker) })),
        hasNextPage: connection.pageInfo.hasNextPage,
      };
    }
    case 'Q3': {
      const actors = pg ? data.actors.nodes : data.actors.edges.map((edge: Json) => edge.node);
      return actors.map((actor: Json) => {
        const connection = pg ? actor.statementsBySpeakerId : actor.statements;
        const statements = pg ? connection.nodes : connection.edges.map((edge: Json) => edge.node);
        return {
          slug: actor.slug,
          name: actor.name,
          totalCount: connection.totalCount,
          statements: statements.map((statement: Json) => ({
            slug: statement.slug,
            saidOn: statement.saidOn,
            stances: (pg ? statement.stances.nodes : statement.stances).map((stance: Json) => ({ position: stance.position, claim: stance.claim })),
          })),
        };
      });
    }
    case 'Q4': {
      const statement = pg ? data.statements.nodes[0] : data.statement;
      if (!statement) return null;
      const responses = pg ? statement.statementsByRespondsToId : statement.responses;
      return {
        slug: statement.slug,
        text: statement.text,
        thread: (pg ? statement.thread.nodes : statement.thread).map((t: Json) => ({ slug: t.slug, text: t.text, speaker: person(t.speaker) })),
        totalCount: responses.totalCount,
        responses: (pg ? responses.nodes : responses.edges.map((edge: Json) => edge.node)).map((r: Json) => ({
          slug: r.slug,
          text: r.text,
          responseKind: r.responseKind,
          speaker: person(r.speaker),
        })),
        hasNextPage: responses.pageInfo.hasNextPage,
      };
    }
    case 'Q5': {
      const claim = pg ? data.claims.nodes[0] : data.claim;
      const connection = pg ? data.statements : claim.statements;
      const rows = pg
        ? connection.nodes.map((node: Json) => ({ position: 'DENIES', node }))
        : connection.edges.map((edge: Json) => ({ position: edge.position, node: edge.node }));
      return {
        slug: claim.slug,
        status: claim.status,
        totalCount: connection.totalCount,
        statements: rows.map(({ position, node }: Json) => ({ position, slug: node.slug, text: node.text, saidOn: node.saidOn, speaker: person(node.speaker) })),
        hasNextPage: connection.pageInfo.hasNextPage,
      };
    }
    case 'Q6': {
      const statement = pg ? data.createStatement.statement : data.recordStatement.data;
      return { speaker: statement.speaker.slug, responseKind: statement.responseKind, recorded: typeof statement.slug === 'string' };
    }
    case 'Q7': {
      const actors = pg ? data.actors.nodes : data._entities;
      return actors
        .filter(Boolean)
        .map((actor: Json) => ({ slug: actor.slug, name: actor.name, kind: actor.kind }))
        .sort((a: Json, b: Json) => a.slug.localeCompare(b.slug));
    }
  }
}
