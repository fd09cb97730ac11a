/** What actor search matches against: the name and every alias, case-folded. */
export const actorSearchText = (name: string, aliases: readonly string[]) =>
  [name, ...aliases].join('\n').toLocaleLowerCase('en-US');
