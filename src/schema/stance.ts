import { builder } from '../builder.js';
import { StancePositionEnum } from './enums.js';

builder.prismaNode('Stance', {
  id: { field: 'id' },
  nullable: true,
  description: 'The position one statement takes on one claim.',
  fields: (t) => ({
    position: t.expose('position', { type: StancePositionEnum }),
    statement: t.relation('statement'),
    claim: t.relation('claim'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});
