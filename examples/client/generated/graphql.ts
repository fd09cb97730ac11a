/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** What sort of actor this is. */
export type ActorKind =
  /** A ministry, department or agency, e.g. China's Ministry of Foreign Affairs. */
  | 'GOVERNMENT_BODY'
  /** A loosely defined group the source names, e.g. "diplomatic experts" or "European leaders". */
  | 'GROUP'
  /** Armed forces or a military unit. */
  | 'MILITARY'
  /** An international or non-governmental organization, e.g. NATO or the European Union. */
  | 'ORGANIZATION'
  /** A named individual, e.g. a spokesperson or a president. */
  | 'PERSON'
  /** A sovereign state, e.g. China or Russia. */
  | 'STATE';

/** Derived from the stances on the claim, never set by hand. A stance counts for the actor a statement was made on behalf of, else its speaker; DECLINES_TO_CONFIRM and retracted statements count for neither side. ASSERTED: only ASSERTS/SUPPORTS. DENIED: only DENIES/QUESTIONS. CONTESTED: both sides, from different actors. UNRESOLVED: no position either way. An actor alone on both sides (it changed its mind) yields the side of its latest statement. */
export type ClaimStatus =
  /** Only asserting or supporting stances. */
  | 'ASSERTED'
  /** Stances on both sides, from different actors. */
  | 'CONTESTED'
  /** Only denying or questioning stances. */
  | 'DENIED'
  /** No stance either way (declining to confirm counts for neither). */
  | 'UNRESOLVED';

/** The position a statement takes on a claim. */
export type StancePosition =
  /** States the claim as true. */
  | 'ASSERTS'
  /** Neither confirms nor denies; counts for neither side. */
  | 'DECLINES_TO_CONFIRM'
  /** States the claim is false. */
  | 'DENIES'
  /** Casts doubt on the claim. */
  | 'QUESTIONS'
  /** Backs the claim without stating it outright. */
  | 'SUPPORTS';

export type ActorStatementsQueryVariables = Exact<{
  slug: string;
  first: number;
}>;


export type ActorStatementsQuery = { actor: { name: string, kind: ActorKind, wikidataId: string | null, statements: { totalCount: number, edges: Array<{ node: { slug: string, saidOn: string | null, text: string, stances: Array<{ position: StancePosition, claim: { slug: string, status: ClaimStatus } }> } }> } } | null };

export type StatementRecordedSubscriptionVariables = Exact<{
  speaker?: string | null | undefined;
  claim?: string | null | undefined;
}>;


export type StatementRecordedSubscription = { statementRecorded: { slug: string, text: string, speaker: { slug: string, name: string }, stances: Array<{ position: StancePosition, claim: { slug: string } }> } };


export const ActorStatementsDocument = {"__meta__":{"hash":"sha256:08d59ea0a6f2dbd8e6c6e9b58b059b770ff95c1a0262b79e85952a59d385a8a3"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ActorStatements"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"slug"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"actor"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"slug"},"value":{"kind":"Variable","name":{"kind":"Name","value":"slug"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"wikidataId"}},{"kind":"Field","name":{"kind":"Name","value":"statements"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"saidOn"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"stances"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"claim"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<ActorStatementsQuery, ActorStatementsQueryVariables>;
export const StatementRecordedDocument = {"__meta__":{"hash":"sha256:2ee30a925d6760bbc3f84d103f0b037abc9de98479298d806d50fd8a33f9315b"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"StatementRecorded"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"speaker"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"claim"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"statementRecorded"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"speaker"},"value":{"kind":"Variable","name":{"kind":"Name","value":"speaker"}}},{"kind":"Argument","name":{"kind":"Name","value":"claim"},"value":{"kind":"Variable","name":{"kind":"Name","value":"claim"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"speaker"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"stances"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"claim"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"slug"}}]}}]}}]}}]}}]} as unknown as DocumentNode<StatementRecordedSubscription, StatementRecordedSubscriptionVariables>;