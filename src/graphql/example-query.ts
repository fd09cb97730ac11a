/** The query GraphiQL opens on: an actor's statements, the responses to them, and the claims they take a stance on. */
export const EXAMPLE_QUERY = `# Who said what, about which claim, in answer to whom.
# Press the run button (or Ctrl-Enter). Open "Docs" for every type and field.
query ChinaOnNorthKoreanTroops {
  actor(slug: "china") {
    name
    kind
    wikidataId
    statements(first: 5) {
      totalCount
      edges {
        node {
          text
          kind
          responses(first: 5) {
            totalCount
            edges {
              node {
                responseKind
                text
                speaker { name }
              }
            }
          }
          stances {
            position
            claim { text status }
          }
        }
      }
    }
    statementsOnBehalf(first: 5) {
      totalCount
      edges {
        node {
          text
          venue
          speaker { name }
          respondsTo { text speaker { name } }
          responseKind
          stances {
            position
            claim { text status }
          }
        }
      }
    }
  }
}
`;
