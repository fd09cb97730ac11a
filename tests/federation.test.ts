import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema, printSubgraphSchema } from '@apollo/subgraph';
import { Trace } from '@apollo/usage-reporting-protobuf';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { parse, printSchema } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builder } from '../src/builder.js';
import { seed } from '../src/bundle/seed.js';
import { schema } from '../src/schema/index.js';
import { FEDERATION_LINK } from '../src/schema/subgraph.js';
import type { App } from '../src/server.js';
import { createTestDatabase, databaseLabel, type TestDatabase } from './support/database.js';
import { createTestApp, execute, query } from './support/graphql.js';
import { type Listening, listen } from './support/listen.js';

/** Another team's subgraph: it knows actors only by their Wikidata QID. */
const COUNTRIES_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])

  type Query {
    countries: [Country!]!
  }

  type Country @key(fields: "code") {
    code: ID!
    name: String!
    capital: String!
    "The actor that is this country in the fact service."
    actor: Actor
  }

  type Actor @key(fields: "wikidataId") {
    wikidataId: String
    country: Country
  }
`;

const COUNTRIES = [
  { code: 'RU', name: 'Russian Federation', capital: 'Moscow', wikidataId: 'Q159' },
  { code: 'KP', name: "Democratic People's Republic of Korea", capital: 'Pyongyang', wikidataId: 'Q423' },
];

function countriesSubgraph() {
  const byQid = (wikidataId: unknown) => COUNTRIES.find((country) => country.wikidataId === wikidataId) ?? null;
  const schema = buildSubgraphSchema({
    typeDefs: parse(COUNTRIES_SDL),
    resolvers: {
      Query: { countries: () => COUNTRIES },
      Country: { actor: (country: (typeof COUNTRIES)[number]) => ({ __typename: 'Actor', wikidataId: country.wikidataId }) },
      Actor: {
        __resolveReference: (actor: { wikidataId: string }) => actor,
        country: (actor: { wikidataId: string }) => byQid(actor.wikidataId),
      },
    },
  });
  return createYoga({ schema, logging: false, maskedErrors: false });
}

const ACTOR_TO_COUNTRY = /* GraphQL */ `
  query ActorWithCountry {
    actor(slug: "russia") {
      name
      wikidataId
      country { code capital }
    }
  }
`;

const COUNTRY_TO_ACTOR = /* GraphQL */ `
  query CountriesWithActors {
    countries {
      code
      actor {
        slug
        name
        statementsOnBehalf(first: 1) { totalCount }
        country { capital }
      }
    }
  }
`;

let test: TestDatabase;
let app: App;
let facts: Listening;
let countries: Listening;
let supergraphSdl: string;

beforeAll(async () => {
  test = await createTestDatabase('federation');
  await seed(test.db.prisma);
  app = createTestApp(test);
  facts = await listen(app);
  countries = await listen(countriesSubgraph());
  const sdl = await query<{ _service: { sdl: string } }>(app, '{ _service { sdl } }');
  const composed = composeServices([
    { name: 'facts', url: facts.url, typeDefs: parse(sdl._service.sdl) },
    { name: 'countries', url: countries.url, typeDefs: parse(COUNTRIES_SDL) },
  ]);
  if (composed.errors) throw new Error(`composition failed:\n${composed.errors.map((error) => error.message).join('\n')}`);
  supergraphSdl = composed.supergraphSdl;
});

afterAll(async () => {
  await facts?.close();
  await countries?.close();
  await test?.close();
});

describe(`the fact service as an Apollo Federation v2 subgraph (${databaseLabel()})`, () => {
  it('publishes its subgraph SDL with a Federation 2 @link and the entity keys', async () => {
    const { _service } = await query<{ _service: { sdl: string } }>(app, '{ _service { sdl } }');
    expect(_service.sdl).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.\d+", import: \[[^\]]*"@key"/);
    const keysOf = (type: string) => {
      const definition = new RegExp(`type ${type} implements[^{]*\\{`).exec(_service.sdl)?.[0] ?? '';
      return [...definition.matchAll(/@key\(fields: "([^"]+)"\)/g)].map((match) => match[1]);
    };
    expect(keysOf('Actor')).toEqual(['id', 'slug', 'wikidataId']);
    expect(keysOf('Statement')).toEqual(['id']);
    expect(keysOf('Claim')).toEqual(['id']);
    expect(keysOf('Source')).toEqual(['id']);
    // The SDL describes the subgraph, not the federation plumbing the gateway adds.
    expect(_service.sdl).not.toMatch(/_entities|_service/);
  });

  it("serves the schema and the SDL the federation plugin's own toSubGraphSchema makes (the directive list is not stale)", async () => {
    // src/schema/subgraph.ts builds the subgraph without the plugin's second schema build and prints the SDL on
    // first request; a gateway must not see any difference. The plugin finds the directives in use itself.
    const plugins = builder.toSubGraphSchema({ sortSchema: true, linkUrl: FEDERATION_LINK });
    expect(printSchema(schema)).toBe(printSchema(plugins));
    const { _service } = await query<{ _service: { sdl: string } }>(app, '{ _service { sdl } }');
    expect(_service.sdl).toBe(printSubgraphSchema(plugins));
  });

  it('resolves actors by any of their keys, and the other entities by id', async () => {
    const ids = await query(
      app,
      `{ actor(slug: "lin-jian") { id } statement: statements(first: 1) { edges { node { id slug } } } claim: claims(first: 1) { edges { node { id slug } } } source: sources(first: 1) { edges { node { id slug } } } }`,
    );
    const statement = ids.statement.edges[0].node;
    const claim = ids.claim.edges[0].node;
    const source = ids.source.edges[0].node;
    const data = await query(
      app,
      `query ($representations: [_Any!]!) { _entities(representations: $representations) {
         __typename ... on Actor { slug } ... on Statement { slug } ... on Claim { slug } ... on Source { slug } } }`,
      {
        representations: [
          { __typename: 'Actor', id: ids.actor.id },
          { __typename: 'Actor', slug: 'russia' },
          { __typename: 'Actor', wikidataId: 'Q148' },
          { __typename: 'Statement', id: statement.id },
          { __typename: 'Claim', id: claim.id },
          { __typename: 'Source', id: source.id },
        ],
      },
    );
    expect(data._entities).toEqual([
      { __typename: 'Actor', slug: 'lin-jian' },
      { __typename: 'Actor', slug: 'russia' },
      { __typename: 'Actor', slug: 'china' },
      { __typename: 'Statement', slug: statement.slug },
      { __typename: 'Claim', slug: claim.slug },
      { __typename: 'Source', slug: source.slug },
    ]);
  });

  it('gives null for a representation that matches nothing, without failing the others', async () => {
    const data = await query(
      app,
      `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Actor { slug } ... on Claim { slug } } }`,
      {
        representations: [
          { __typename: 'Actor', wikidataId: 'Q0' },
          { __typename: 'Actor', slug: 'russia' },
          { __typename: 'Actor', id: 'not-an-id' },
          { __typename: 'Claim', id: Buffer.from('Actor:0191e6a0-0000-7000-8000-000000000000').toString('base64') },
        ],
      },
    );
    expect(data._entities).toEqual([null, { slug: 'russia' }, null, null]);
  });

  it('loads N representations of a type with a bounded number of SQL statements, not N', async () => {
    const actors = await query(app, '{ actors(first: 30) { edges { node { slug wikidataId } } } }');
    const all: { slug: string; wikidataId: string | null }[] = actors.actors.edges.map((edge: { node: { slug: string; wikidataId: string | null } }) => edge.node);
    const representations = (n: number) =>
      all.slice(0, n).map((actor, index) =>
        index % 2 === 0 && actor.wikidataId ? { __typename: 'Actor', wikidataId: actor.wikidataId } : { __typename: 'Actor', slug: actor.slug },
      );
    const run = async (n: number) => {
      test.resetQueries();
      const result = await execute(
        app,
        `query ($representations: [_Any!]!) { _entities(representations: $representations) {
           ... on Actor { slug name affiliations { role organization { slug } } statements(first: 2) { totalCount edges { node { slug } } } } } }`,
        { representations: representations(n) },
      );
      expect(result.errors).toBeUndefined();
      expect((result.data?._entities as unknown[]).every((entity) => entity !== null)).toBe(true);
      return test.queries.length;
    };
    const few = await run(3);
    const many = await run(all.length);
    expect(all.length).toBeGreaterThanOrEqual(20);
    expect(many).toBe(few);
    // One statement for the actors, one per relation or count they select.
    expect(many).toBeLessThanOrEqual(5);
  });

  it('adds a federated trace (ftv1) only when the gateway asks for one', async () => {
    const ask = async (headers: Record<string, string>) => {
      const response = await app.fetch('http://yoga/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: '{ actor(slug: "russia") { name } }' }),
      });
      return (await response.json()) as { data: unknown; extensions?: { ftv1?: string } };
    };
    expect((await ask({})).extensions?.ftv1).toBeUndefined();
    const traced = await ask({ 'apollo-federation-include-trace': 'ftv1' });
    expect(traced.data).toEqual({ actor: { name: 'Russia' } });
    const trace = Trace.decode(Buffer.from(traced.extensions?.ftv1 ?? '', 'base64'));
    expect(trace.root?.child?.map((node) => node.responseName)).toEqual(['actor']);
    expect(trace.root?.child?.[0]?.child?.map((node) => node.responseName)).toEqual(['name']);
    expect(Number(trace.durationNs)).toBeGreaterThan(0);
  });

  it('traces a failed operation too, with exactly the errors the client sees', async () => {
    const fail = async (variables: Record<string, unknown>) => {
      const response = await app.fetch('http://yoga/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'apollo-federation-include-trace': 'ftv1' },
        body: JSON.stringify({ query: 'query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }', variables }),
      });
      return (await response.json()) as { errors?: { message: string; extensions?: { code?: string } }[]; extensions?: { ftv1?: string } };
    };
    const errorsIn = (node: Trace.INode | null | undefined): string[] => [
      ...(node?.error ?? []).map((error) => error.message ?? ''),
      ...(node?.child ?? []).flatMap((child) => errorsIn(child)),
    ];
    for (const representations of [[{ __typename: 'NoSuchType' }], [{ __typename: 'Actor', slug: 'russia' }, 42]]) {
      const result = await fail({ r: representations });
      expect(result.errors?.length, JSON.stringify(representations)).toBeGreaterThan(0);
      expect(result.errors?.[0]?.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
      const trace = Trace.decode(Buffer.from(result.extensions?.ftv1 ?? '', 'base64'));
      expect(errorsIn(trace.root)).toEqual(result.errors?.map((error) => error.message));
    }
  });

  it('composes with another team’s subgraph that extends Actor by its Wikidata QID', () => {
    expect(supergraphSdl).toContain('join__graph(name: "countries"');
    expect(supergraphSdl).toMatch(/type Actor[^{]*@join__type\(graph: COUNTRIES, key: "wikidataId"\)/);
    expect(supergraphSdl).toMatch(/type Actor[^{]*@join__type\(graph: FACTS, key: "wikidataId"\)/);
  });

  describe('behind Apollo Gateway', () => {
    let server: ApolloServer;

    beforeAll(async () => {
      const gateway = new ApolloGateway({ supergraphSdl, buildService: ({ url }) => new RemoteGraphQLDataSource({ url }) });
      server = new ApolloServer({ gateway, logger: silentLogger });
      await server.start();
    });
    afterAll(() => server?.stop());

    const run = async (source: string) => {
      const response = await server.executeOperation({ query: source });
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      return response.body.singleResult;
    };

    it('answers a query that starts in the fact service and ends in the countries subgraph', async () => {
      const result = await run(ACTOR_TO_COUNTRY);
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ actor: { name: 'Russia', wikidataId: 'Q159', country: { code: 'RU', capital: 'Moscow' } } });
    });

    it('answers a query that starts in the countries subgraph, enters the fact service by QID, and comes back', async () => {
      const result = await run(COUNTRY_TO_ACTOR);
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual(EXPECTED_COUNTRIES);
    });
  });

  describe('behind Hive Gateway', () => {
    let gateway: ReturnType<typeof createGatewayRuntime>;

    beforeAll(() => {
      gateway = createGatewayRuntime({ supergraph: supergraphSdl, logging: false, maskedErrors: false });
    });
    afterAll(() => gateway?.dispose());

    const run = async (source: string) => {
      const response = await gateway.fetch('http://gateway/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body: JSON.stringify({ query: source }),
      });
      return (await response.json()) as { data?: unknown; errors?: unknown[] };
    };

    it('answers the query from the fact service to the countries subgraph', async () => {
      const result = await run(ACTOR_TO_COUNTRY);
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ actor: { name: 'Russia', wikidataId: 'Q159', country: { code: 'RU', capital: 'Moscow' } } });
    });

    it('answers the query from the countries subgraph into the fact service and back', async () => {
      const result = await run(COUNTRY_TO_ACTOR);
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual(EXPECTED_COUNTRIES);
    });
  });
});

const EXPECTED_COUNTRIES = {
  countries: [
    { code: 'RU', actor: { slug: 'russia', name: 'Russia', statementsOnBehalf: { totalCount: expect.any(Number) }, country: { capital: 'Moscow' } } },
    { code: 'KP', actor: { slug: 'north-korea', name: 'North Korea', statementsOnBehalf: { totalCount: expect.any(Number) }, country: { capital: 'Pyongyang' } } },
  ],
};

const silentLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
