import { builder } from '../builder.js';

export const Affiliation = builder.prismaNode('Affiliation', {
  id: { field: 'id' },
  nullable: true,
  description: "An actor's role in another actor over time: Lin Jian is spokesperson of China's Ministry of Foreign Affairs.",
  fields: (t) => ({
    role: t.exposeString('role'),
    from: t.expose('from', { type: 'Date', nullable: true, description: 'First day in the role, if known.' }),
    until: t.expose('until', { type: 'Date', nullable: true, description: 'Last day in the role, if it has ended and is known.' }),
    actor: t.relation('actor', { description: 'The member: who holds the role.' }),
    organization: t.relation('organization', { description: 'The actor the role is in.' }),
  }),
});
