/**
 * A typed client for the fact service. Its operations (operations.ts) are typed by `npm run codegen`
 * from schema.graphql, so a field renamed in the schema breaks this file at compile time, not at run time.
 *
 *   npm run example -- lin-jian            the actor's latest statements
 *   npm run example -- --watch lin-jian    and then every statement they make, live (graphql-ws)
 *
 * FACT_SERVICE_URL (default http://localhost:4000/graphql) says where the service is; FACT_SERVICE_TOKEN
 * is sent as a bearer token if set; FACT_SERVICE_PERSISTED=1 sends operation hashes instead of their text,
 * as a server with PERSISTED_OPERATIONS=only requires.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type DocumentNode, print } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { ActorStatementsQuery, StatementRecordedSubscription } from './generated/graphql.js';
import { ActorStatements, StatementRecorded } from './operations.js';

const url = process.env.FACT_SERVICE_URL ?? 'http://localhost:4000/graphql';
const token = process.env.FACT_SERVICE_TOKEN;
const persisted = process.env.FACT_SERVICE_PERSISTED === '1';

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** The hash `npm run codegen` embeds in each document, which the server's persisted-operations file lists. */
const hashOf = (document: DocumentNode) => (document as DocumentNode & { __meta__?: { hash?: string } }).__meta__?.hash;

async function request<Result, Variables>(document: TypedDocumentNode<Result, Variables>, variables: Variables): Promise<Result> {
  const operation = persisted ? { documentId: hashOf(document) } : { query: print(document) };
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ ...operation, variables }),
  });
  const result = (await response.json()) as GraphQLResponse<Result>;
  if (result.errors?.length) throw new Error(result.errors.map((error) => `${error.extensions?.code ?? 'ERROR'}: ${error.message}`).join('\n'));
  if (!result.data) throw new Error(`no data (HTTP ${response.status})`);
  return result.data;
}

function printStatements(actor: NonNullable<ActorStatementsQuery['actor']>) {
  process.stdout.write(`${actor.name} (${actor.kind.toLowerCase()}${actor.wikidataId ? `, ${actor.wikidataId}` : ''}): ${actor.statements.totalCount} statements\n`);
  for (const { node } of actor.statements.edges) {
    const stances = node.stances.map((stance) => `${stance.position} ${stance.claim.slug} [${stance.claim.status}]`).join('; ');
    process.stdout.write(`  ${node.saidOn ?? 'undated   '}  ${node.slug}: ${node.text.slice(0, 100)}\n${stances ? `              ${stances}\n` : ''}`);
  }
}

function printRecorded({ statementRecorded: statement }: StatementRecordedSubscription) {
  const claims = statement.stances.map((stance) => `${stance.position} ${stance.claim.slug}`).join('; ');
  process.stdout.write(`recorded ${statement.slug} by ${statement.speaker.slug}: ${statement.text.slice(0, 100)}${claims ? ` (${claims})` : ''}\n`);
}

async function watch(speaker: string) {
  const client = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
  });
  const subscription = client.iterate<StatementRecordedSubscription>({
    query: print(StatementRecorded),
    variables: { speaker },
  });
  process.stdout.write(`watching ${speaker}\n`);
  for await (const result of subscription) {
    if (result.errors?.length) throw new Error(result.errors.map((error) => error.message).join('\n'));
    if (result.data) printRecorded(result.data);
  }
}

const args = process.argv.slice(2);
const live = args.includes('--watch');
const slug = args.find((arg) => !arg.startsWith('--')) ?? 'lin-jian';

const { actor } = await request(ActorStatements, { slug, first: 3 });
if (!actor) {
  process.stderr.write(`No actor with the slug "${slug}"\n`);
  process.exit(1);
}
printStatements(actor);
if (live) await watch(slug);
