/** The seven query shapes, as our service is asked them. PostGraphile's equivalents are in contenders/postgraphile.mjs. */
export type ShapeId = 'Q1' | 'Q2' | 'Q3' | 'Q4' | 'Q5' | 'Q6' | 'Q7';

export interface Shape {
  id: ShapeId;
  title: string;
  query: string;
  mutation?: boolean;
}

export const SHAPES: Shape[] = [
  {
    id: 'Q1',
    title: 'node(id) of a statement',
    query: `query Q1($id: ID!) { node(id: $id) { id ... on Statement { slug text kind saidOn speaker { slug name } } } }`,
  },
  {
    id: 'Q2',
    title: 'statements(first: 20, search)',
    query: `query Q2($search: String!) { statements(first: 20, search: $search) { edges { cursor node { id slug text saidOn speaker { slug name } } } pageInfo { hasNextPage endCursor } } }`,
  },
  {
    id: 'Q3',
    title: 'actors(first: 20) → statements(first: 10) → stances → claim',
    query: `query Q3 { actors(first: 20) { edges { node { slug name statements(first: 10) { totalCount edges { node { slug saidOn stances { position claim { slug status } } } } } } } } }`,
  },
  {
    id: 'Q4',
    title: 'statement thread + responses(first: 20) with speakers',
    query: `query Q4($slug: String!) { statement(slug: $slug) { slug text thread { slug text speaker { slug name } } responses(first: 20) { totalCount edges { node { slug text responseKind speaker { slug name } } } pageInfo { hasNextPage endCursor } } } }`,
  },
  {
    id: 'Q5',
    title: 'claim(slug) status + statements(first: 20, position: DENIES)',
    query: `query Q5($slug: String!) { claim(slug: $slug) { slug status statements(first: 20, position: DENIES) { totalCount edges { position node { slug text saidOn speaker { slug name } } } pageInfo { hasNextPage endCursor } } } }`,
  },
  {
    id: 'Q6',
    title: 'recordStatement mutation',
    mutation: true,
    query: `mutation Q6($input: RecordStatementInput!) { recordStatement(input: $input) { __typename ... on MutationRecordStatementSuccess { data { slug text responseKind speaker { slug } stances { position claim { slug } } } } ... on Error { message } } }`,
  },
  {
    id: 'Q7',
    title: 'federation _entities, 100 actors',
    query: `query Q7($representations: [_Any!]!) { _entities(representations: $representations) { ... on Actor { slug name kind } } }`,
  },
];

export const shapeById = (id: ShapeId): Shape => {
  const shape = SHAPES.find((candidate) => candidate.id === id);
  if (!shape) throw new Error(`no shape ${id}`);
  return shape;
};
