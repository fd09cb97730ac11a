-- Indexes in the order the reads ask for: newest first with undated statements last
-- (ORDER BY "saidOn" DESC NULLS LAST, seq DESC), and, read backwards, conversation order with undated
-- first (ORDER BY "saidOn" ASC NULLS FIRST, seq ASC). PostgreSQL's DESC alone means NULLS FIRST, which
-- is what Prisma's schema can declare: an index in that order cannot serve "undated last", so PostgreSQL
-- read every match and sorted them (bench/README.md). Prisma 7.10's schema has no nulls order (an argument
-- `nulls:` is accepted and silently dropped) and its `partialIndexes` preview keeps no predicate in the
-- datamodel: these indexes live here only, are named in `///` comments in prisma/schema.prisma, and are
-- on the drift test's explicit list of SQL-only indexes (tests/migrations.test.ts).
--
-- They replace the indexes Prisma declared on the same columns (a leading "sourceId" or "respondsToId"
-- still serves foreign-key lookups). Not partial on "retractedAt": `includeRetracted: true` reads must
-- use them too, and retracted statements are few. Not partial on "onBehalfOfId"/"respondsToId" IS NOT
-- NULL either, though most statements have neither: PostGraphile (the benchmark's baseline) exposes a
-- backward relation only over a column with a plain index, and a partial one hid `responses` from it.

DROP INDEX "Statement_saidOn_seq_idx";
DROP INDEX "Statement_speakerId_saidOn_seq_idx";
DROP INDEX "Statement_onBehalfOfId_saidOn_seq_idx";
DROP INDEX "Statement_sourceId_idx";
DROP INDEX "Statement_respondsToId_idx";

CREATE INDEX "Statement_saidOn_undated_last_idx" ON "Statement" ("saidOn" DESC NULLS LAST, "seq" DESC);
CREATE INDEX "Statement_speakerId_saidOn_undated_last_idx" ON "Statement" ("speakerId", "saidOn" DESC NULLS LAST, "seq" DESC);
CREATE INDEX "Statement_onBehalfOfId_saidOn_undated_last_idx" ON "Statement" ("onBehalfOfId", "saidOn" DESC NULLS LAST, "seq" DESC);
CREATE INDEX "Statement_sourceId_saidOn_undated_last_idx" ON "Statement" ("sourceId", "saidOn" DESC NULLS LAST, "seq" DESC);
CREATE INDEX "Statement_respondsToId_saidOn_undated_last_idx" ON "Statement" ("respondsToId", "saidOn" DESC NULLS LAST, "seq" DESC);
