import { graphql } from './generated/index.js';

export const ActorStatements = graphql(`
  query ActorStatements($slug: String!, $first: Int!) {
    actor(slug: $slug) {
      name
      kind
      wikidataId
      statements(first: $first) {
        totalCount
        edges {
          node {
            slug
            saidOn
            text
            stances {
              position
              claim {
                slug
                status
              }
            }
          }
        }
      }
    }
  }
`);

export const StatementRecorded = graphql(`
  subscription StatementRecorded($speaker: String, $claim: String) {
    statementRecorded(speaker: $speaker, claim: $claim) {
      slug
      text
      speaker {
        slug
        name
      }
      stances {
        position
        claim {
          slug
        }
      }
    }
  }
`);
