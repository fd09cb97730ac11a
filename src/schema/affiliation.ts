import { builder } from '../builder.js';
import * as sql from '../sql/read/fields.js';

export const Affiliation = builder.prismaNode('Affiliation', {
  id: { field: 'id' },
  nullable: true,
  description: "An actor's role in another actor over time: Lin Jian is spokesperson of China's Ministry of Foreign Affairs.",
  fields: (t) => ({
    role: t.exposeString('role', { extensions: { sql: sql.read.column('role') } }),
    from: t.expose('from', { type: 'Date', nullable: true, extensions: { sql: sql.read.column('from', 'date') }, description: 'First day in the role, if known.' }),
    until: t.expose('until', { type: 'Date', nullable: true, extensions: { sql: sql.read.column('until', 'date') }, description: 'Last day in the role, if it has ended and is known.' }),
    actor: t.relation('actor', { extensions: { sql: sql.read.one('Actor', 'actorId') }, description: 'The member: who holds the role.' }),
    organization: t.relation('organization', { extensions: { sql: sql.read.one('Actor', 'organizationId') }, description: 'The actor the role is in.' }),
  }),
});
