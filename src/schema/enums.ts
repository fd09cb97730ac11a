import { builder } from '../builder.js';
import { CLAIM_STATUS_RULE } from '../domain/claim-status.js';
import { ActorKind, ClaimStatus, ResponseKind, StancePosition, StatementKind } from '../generated/prisma/enums.js';

export const ActorKindEnum = builder.enumType(ActorKind, {
  name: 'ActorKind',
  description: 'What sort of actor this is.',
  values: {
    PERSON: { description: 'A named individual, e.g. a spokesperson or a president.' },
    STATE: { description: 'A sovereign state, e.g. China or Russia.' },
    GOVERNMENT_BODY: { description: "A ministry, department or agency, e.g. China's Ministry of Foreign Affairs." },
    ORGANIZATION: { description: 'An international or non-governmental organization, e.g. NATO or the European Union.' },
    MILITARY: { description: 'Armed forces or a military unit.' },
    GROUP: { description: 'A loosely defined group the source names, e.g. "diplomatic experts" or "European leaders".' },
  },
});

export const StatementKindEnum = builder.enumType(StatementKind, {
  name: 'StatementKind',
  description: 'How the source carries the statement.',
  values: {
    DIRECT_QUOTE: { description: "The speaker's own words, verbatim, in quotation marks in the source." },
    PARAPHRASE: { description: "A specific speaker's words, reported indirectly." },
    REPORTED: { description: 'A position the source attributes to an actor without its words.' },
  },
});

export const ResponseKindEnum = builder.enumType(ResponseKind, {
  name: 'ResponseKind',
  description: 'How a statement relates to the statement it responds to.',
  values: {
    ANSWERS: { description: 'Replies to it.' },
    REBUTS: { description: 'Argues against it.' },
    CRITICIZES: { description: 'Finds fault with it or with its speaker.' },
    DEFLECTS: { description: 'Turns it aside without engaging with it.' },
    ENDORSES: { description: 'Agrees with it.' },
    CLARIFIES: { description: 'Explains or corrects it.' },
  },
});

export const StancePositionEnum = builder.enumType(StancePosition, {
  name: 'StancePosition',
  description: 'The position a statement takes on a claim.',
  values: {
    ASSERTS: { description: 'States the claim as true.' },
    SUPPORTS: { description: 'Backs the claim without stating it outright.' },
    DENIES: { description: 'States the claim is false.' },
    QUESTIONS: { description: 'Casts doubt on the claim.' },
    DECLINES_TO_CONFIRM: { description: 'Neither confirms nor denies; counts for neither side.' },
  },
});

export const ClaimStatusEnum = builder.enumType(ClaimStatus, {
  name: 'ClaimStatus',
  description: CLAIM_STATUS_RULE,
  values: {
    ASSERTED: { description: 'Only asserting or supporting stances.' },
    CONTESTED: { description: 'Stances on both sides, from different actors.' },
    DENIED: { description: 'Only denying or questioning stances.' },
    UNRESOLVED: { description: 'No stance either way (declining to confirm counts for neither).' },
  },
});
