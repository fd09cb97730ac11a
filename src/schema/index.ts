import './enums.js';
import './actor.js';
import './affiliation.js';
import './source.js';
import './statement.js';
import './stance.js';
import './claim.js';
import './similarity.js';
import './ingestion.js';
import './errors.js';
import './audit.js';
import './mutations/records.js';
import './mutations/statements.js';
import './mutations/bundles.js';
import './subscriptions.js';
import './federation.js';
import { builder } from '../builder.js';

export const schema = builder.toSubGraphSchema({ sortSchema: true, linkUrl: 'https://specs.apollo.dev/federation/v2.6' });
