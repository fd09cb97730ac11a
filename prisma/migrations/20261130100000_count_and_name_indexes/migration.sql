-- Two indexes for the reads a page of actors makes (bench shape Q3: actors(first: 20) → statements(first: 10)
-- with totalCount), which at M read every actor and every listed actor's statements:
--
-- "Actor_name_id_idx" (declared in prisma/schema.prisma): `actors` pages run in (name, id) order; without
-- it each page read and sorted the whole table (10,001 rows at M for 21).
--
-- "Statement_speakerId_live_idx" (SQL-only: Prisma 7.10's `partialIndexes` preview keeps no predicate in
-- the datamodel, as migration 20261130020000 says): an actor's statements' totalCount counts those not
-- retracted, and the (speakerId, saidOn, seq) index cannot tell which are, so each count read every
-- statement's row (449 per actor on the Q3 page, 1.7 ms each). On this partial index the count is an
-- index-only scan. Named in a `///` comment in prisma/schema.prisma and on the drift test's list of
-- SQL-only indexes (tests/migrations.test.ts).

CREATE INDEX "Actor_name_id_idx" ON "Actor"("name", "id");

CREATE INDEX "Statement_speakerId_live_idx" ON "Statement" ("speakerId") WHERE "retractedAt" IS NULL;
