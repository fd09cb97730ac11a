import { builder } from '../builder.js';
import * as sql from '../sql/read/fields.js';
import { StancePositionEnum } from './enums.js';

builder.prismaNode('Stance', {
  id: { field: 'id' },
  nullable: true,
  description: 'The position one statement takes on one claim.',
  fields: (t) => ({
    position: t.expose('position', { type: StancePositionEnum, extensions: { sql: sql.read.column('position') } }),
    statement: t.relation('statement', { extensions: { sql: sql.read.one('Statement', 'statementId') } }),
    claim: t.relation('claim', { extensions: { sql: sql.read.one('Claim', 'claimId') } }),
    createdAt: t.expose('createdAt', { type: 'DateTime', extensions: { sql: sql.read.column('createdAt', 'timestamp') } }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', extensions: { sql: sql.read.column('updatedAt', 'timestamp') } }),
  }),
});
