-- Revisions: each versioned table's rows as they were, with validity ranges, written by statement-level
-- triggers in the transaction of every write (the write path, imports, cascades alike). `asOf` reads select
-- the version valid at an instant through the <Table>_asOf(t) functions below.

-- CreateTable
CREATE TABLE "ActorRevision" (LIKE "Actor");
ALTER TABLE "ActorRevision" ADD COLUMN "revisionId" BIGSERIAL NOT NULL,
ADD COLUMN "validFrom" TIMESTAMPTZ(3) NOT NULL,
ADD COLUMN "validTo" TIMESTAMPTZ(3),
ADD CONSTRAINT "ActorRevision_pkey" PRIMARY KEY ("revisionId");

-- CreateIndex
CREATE INDEX "ActorRevision_id_validFrom_idx" ON "ActorRevision"("id", "validFrom");

-- CreateIndex
CREATE INDEX "ActorRevision_slug_validFrom_idx" ON "ActorRevision"("slug", "validFrom");

-- One open version per record (SQL-only, named in schema.prisma)
CREATE UNIQUE INDEX "ActorRevision_open_key" ON "ActorRevision"("id") WHERE "validTo" IS NULL;

-- What is stored now, from each record's creation (earlier versions were not kept)
INSERT INTO "ActorRevision" ("id", "slug", "name", "kind", "aliases", "description", "wikidataId", "searchText", "createdAt", "updatedAt", "validFrom")
SELECT "id", "slug", "name", "kind", "aliases", "description", "wikidataId", "searchText", "createdAt", "updatedAt", "createdAt" FROM "Actor" ORDER BY id;

-- A write closes the open version of each row it changes or deletes, at its transaction's time (or at the
-- open version's start, when a writer that started later committed first: that version is then dropped),
-- and opens the new one where the last ended. Several writes to one row in one transaction leave one version.
CREATE FUNCTION "ActorRevision_write"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE "ActorRevision" r SET "validTo" = greatest(now(), r."validFrom") FROM old_rows o WHERE r.id = o.id AND r."validTo" IS NULL;
    DELETE FROM "ActorRevision" r USING old_rows o WHERE r.id = o.id AND r."validTo" = r."validFrom";
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO "ActorRevision" ("id", "slug", "name", "kind", "aliases", "description", "wikidataId", "searchText", "createdAt", "updatedAt", "validFrom")
    SELECT n."id", n."slug", n."name", n."kind", n."aliases", n."description", n."wikidataId", n."searchText", n."createdAt", n."updatedAt", greatest(now(), (SELECT max(r."validTo") FROM "ActorRevision" r WHERE r.id = n.id))
    FROM new_rows n;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "ActorRevision_insert" AFTER INSERT ON "Actor" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "ActorRevision_write"();
CREATE TRIGGER "ActorRevision_update" AFTER UPDATE ON "Actor" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "ActorRevision_write"();
CREATE TRIGGER "ActorRevision_delete" AFTER DELETE ON "Actor" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "ActorRevision_write"();

-- The rows of "Actor" as they were at instant t: an inlinable SQL function, so an as-of read plans as a read of
-- "Actor" does, on the revision table's indexes. Columns in "Actor"'s own order (the migrations added some later).
DO $do$
BEGIN
  EXECUTE format(
    'CREATE FUNCTION "Actor_asOf"(t timestamptz) RETURNS SETOF "Actor" LANGUAGE sql STABLE AS $f$ SELECT %s FROM "ActorRevision" WHERE "validFrom" <= t AND ("validTo" IS NULL OR "validTo" > t) $f$',
    (SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'Actor'));
END
$do$;

-- CreateTable
CREATE TABLE "AffiliationRevision" (LIKE "Affiliation");
ALTER TABLE "AffiliationRevision" ADD COLUMN "revisionId" BIGSERIAL NOT NULL,
ADD COLUMN "validFrom" TIMESTAMPTZ(3) NOT NULL,
ADD COLUMN "validTo" TIMESTAMPTZ(3),
ADD CONSTRAINT "AffiliationRevision_pkey" PRIMARY KEY ("revisionId");

-- CreateIndex
CREATE INDEX "AffiliationRevision_id_validFrom_idx" ON "AffiliationRevision"("id", "validFrom");

-- CreateIndex
CREATE INDEX "AffiliationRevision_actorId_idx" ON "AffiliationRevision"("actorId");

-- CreateIndex
CREATE INDEX "AffiliationRevision_organizationId_idx" ON "AffiliationRevision"("organizationId");

-- One open version per record (SQL-only, named in schema.prisma)
CREATE UNIQUE INDEX "AffiliationRevision_open_key" ON "AffiliationRevision"("id") WHERE "validTo" IS NULL;

-- What is stored now, from each record's creation (earlier versions were not kept)
INSERT INTO "AffiliationRevision" ("id", "actorId", "organizationId", "role", "from", "until", "createdAt", "updatedAt", "validFrom")
SELECT "id", "actorId", "organizationId", "role", "from", "until", "createdAt", "updatedAt", "createdAt" FROM "Affiliation" ORDER BY id;

-- A write closes the open version of each row it changes or deletes, at its transaction's time (or at the
-- open version's start, when a writer that started later committed first: that version is then dropped),
-- and opens the new one where the last ended. Several writes to one row in one transaction leave one version.
CREATE FUNCTION "AffiliationRevision_write"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE "AffiliationRevision" r SET "validTo" = greatest(now(), r."validFrom") FROM old_rows o WHERE r.id = o.id AND r."validTo" IS NULL;
    DELETE FROM "AffiliationRevision" r USING old_rows o WHERE r.id = o.id AND r."validTo" = r."validFrom";
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO "AffiliationRevision" ("id", "actorId", "organizationId", "role", "from", "until", "createdAt", "updatedAt", "validFrom")
    SELECT n."id", n."actorId", n."organizationId", n."role", n."from", n."until", n."createdAt", n."updatedAt", greatest(now(), (SELECT max(r."validTo") FROM "AffiliationRevision" r WHERE r.id = n.id))
    FROM new_rows n;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "AffiliationRevision_insert" AFTER INSERT ON "Affiliation" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "AffiliationRevision_write"();
CREATE TRIGGER "AffiliationRevision_update" AFTER UPDATE ON "Affiliation" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "AffiliationRevision_write"();
CREATE TRIGGER "AffiliationRevision_delete" AFTER DELETE ON "Affiliation" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "AffiliationRevision_write"();

-- The rows of "Affiliation" as they were at instant t: an inlinable SQL function, so an as-of read plans as a read of
-- "Affiliation" does, on the revision table's indexes. Columns in "Affiliation"'s own order (the migrations added some later).
DO $do$
BEGIN
  EXECUTE format(
    'CREATE FUNCTION "Affiliation_asOf"(t timestamptz) RETURNS SETOF "Affiliation" LANGUAGE sql STABLE AS $f$ SELECT %s FROM "AffiliationRevision" WHERE "validFrom" <= t AND ("validTo" IS NULL OR "validTo" > t) $f$',
    (SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'Affiliation'));
END
$do$;

-- CreateTable
CREATE TABLE "SourceRevision" (LIKE "Source");
ALTER TABLE "SourceRevision" ADD COLUMN "revisionId" BIGSERIAL NOT NULL,
ADD COLUMN "validFrom" TIMESTAMPTZ(3) NOT NULL,
ADD COLUMN "validTo" TIMESTAMPTZ(3),
ADD CONSTRAINT "SourceRevision_pkey" PRIMARY KEY ("revisionId");

-- CreateIndex
CREATE INDEX "SourceRevision_id_validFrom_idx" ON "SourceRevision"("id", "validFrom");

-- CreateIndex
CREATE INDEX "SourceRevision_slug_validFrom_idx" ON "SourceRevision"("slug", "validFrom");

-- One open version per record (SQL-only, named in schema.prisma)
CREATE UNIQUE INDEX "SourceRevision_open_key" ON "SourceRevision"("id") WHERE "validTo" IS NULL;

-- What is stored now, from each record's creation (earlier versions were not kept)
INSERT INTO "SourceRevision" ("id", "slug", "title", "url", "publisher", "publishedOn", "text", "textSha256", "createdAt", "updatedAt", "validFrom")
SELECT "id", "slug", "title", "url", "publisher", "publishedOn", "text", "textSha256", "createdAt", "updatedAt", "createdAt" FROM "Source" ORDER BY id;

-- A write closes the open version of each row it changes or deletes, at its transaction's time (or at the
-- open version's start, when a writer that started later committed first: that version is then dropped),
-- and opens the new one where the last ended. Several writes to one row in one transaction leave one version.
CREATE FUNCTION "SourceRevision_write"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE "SourceRevision" r SET "validTo" = greatest(now(), r."validFrom") FROM old_rows o WHERE r.id = o.id AND r."validTo" IS NULL;
    DELETE FROM "SourceRevision" r USING old_rows o WHERE r.id = o.id AND r."validTo" = r."validFrom";
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO "SourceRevision" ("id", "slug", "title", "url", "publisher", "publishedOn", "text", "textSha256", "createdAt", "updatedAt", "validFrom")
    SELECT n."id", n."slug", n."title", n."url", n."publisher", n."publishedOn", n."text", n."textSha256", n."createdAt", n."updatedAt", greatest(now(), (SELECT max(r."validTo") FROM "SourceRevision" r WHERE r.id = n.id))
    FROM new_rows n;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "SourceRevision_insert" AFTER INSERT ON "Source" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "SourceRevision_write"();
CREATE TRIGGER "SourceRevision_update" AFTER UPDATE ON "Source" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "SourceRevision_write"();
CREATE TRIGGER "SourceRevision_delete" AFTER DELETE ON "Source" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "SourceRevision_write"();

-- The rows of "Source" as they were at instant t: an inlinable SQL function, so an as-of read plans as a read of
-- "Source" does, on the revision table's indexes. Columns in "Source"'s own order (the migrations added some later).
DO $do$
BEGIN
  EXECUTE format(
    'CREATE FUNCTION "Source_asOf"(t timestamptz) RETURNS SETOF "Source" LANGUAGE sql STABLE AS $f$ SELECT %s FROM "SourceRevision" WHERE "validFrom" <= t AND ("validTo" IS NULL OR "validTo" > t) $f$',
    (SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'Source'));
END
$do$;

-- CreateTable
CREATE TABLE "StatementRevision" (LIKE "Statement");
ALTER TABLE "StatementRevision" ADD COLUMN "revisionId" BIGSERIAL NOT NULL,
ADD COLUMN "validFrom" TIMESTAMPTZ(3) NOT NULL,
ADD COLUMN "validTo" TIMESTAMPTZ(3),
ADD CONSTRAINT "StatementRevision_pkey" PRIMARY KEY ("revisionId");

-- CreateIndex
CREATE INDEX "StatementRevision_id_validFrom_idx" ON "StatementRevision"("id", "validFrom");

-- CreateIndex
CREATE INDEX "StatementRevision_slug_validFrom_idx" ON "StatementRevision"("slug", "validFrom");

-- CreateIndex
CREATE INDEX "StatementRevision_speakerId_idx" ON "StatementRevision"("speakerId");

-- CreateIndex
CREATE INDEX "StatementRevision_onBehalfOfId_idx" ON "StatementRevision"("onBehalfOfId");

-- CreateIndex
CREATE INDEX "StatementRevision_sourceId_idx" ON "StatementRevision"("sourceId");

-- CreateIndex
CREATE INDEX "StatementRevision_respondsToId_idx" ON "StatementRevision"("respondsToId");

-- One open version per record (SQL-only, named in schema.prisma)
CREATE UNIQUE INDEX "StatementRevision_open_key" ON "StatementRevision"("id") WHERE "validTo" IS NULL;

-- The as-of statements list, newest first, undated last (SQL-only, named in schema.prisma)
CREATE INDEX "StatementRevision_saidOn_undated_last_idx" ON "StatementRevision"("saidOn" DESC NULLS LAST, "seq" DESC);

-- What is stored now, from each record's creation (earlier versions were not kept); a retracted statement
-- is shown unretracted until its retraction.
INSERT INTO "StatementRevision" ("id", "seq", "slug", "text", "kind", "saidOn", "venue", "speakerId", "onBehalfOfId", "sourceId", "respondsToId", "responseKind", "threadIds", "retractedAt", "retractedBy", "retractionReason", "quoteStart", "quoteEnd", "createdAt", "updatedAt", "validFrom", "validTo")
SELECT "id", "seq", "slug", "text", "kind", "saidOn", "venue", "speakerId", "onBehalfOfId", "sourceId", "respondsToId", "responseKind", "threadIds", NULL, NULL, NULL, "quoteStart", "quoteEnd", "createdAt", "updatedAt", "createdAt", "retractedAt" FROM "Statement" WHERE "retractedAt" IS NOT NULL AND "retractedAt" > "createdAt" ORDER BY seq;
INSERT INTO "StatementRevision" ("id", "seq", "slug", "text", "kind", "saidOn", "venue", "speakerId", "onBehalfOfId", "sourceId", "respondsToId", "responseKind", "threadIds", "retractedAt", "retractedBy", "retractionReason", "quoteStart", "quoteEnd", "createdAt", "updatedAt", "validFrom")
SELECT "id", "seq", "slug", "text", "kind", "saidOn", "venue", "speakerId", "onBehalfOfId", "sourceId", "respondsToId", "responseKind", "threadIds", "retractedAt", "retractedBy", "retractionReason", "quoteStart", "quoteEnd", "createdAt", "updatedAt", CASE WHEN "retractedAt" > "createdAt" THEN "retractedAt" ELSE "createdAt" END FROM "Statement" ORDER BY seq;

-- A write closes the open version of each row it changes or deletes, at its transaction's time (or at the
-- open version's start, when a writer that started later committed first: that version is then dropped),
-- and opens the new one where the last ended. Several writes to one row in one transaction leave one version.
CREATE FUNCTION "StatementRevision_write"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE "StatementRevision" r SET "validTo" = greatest(now(), r."validFrom") FROM old_rows o WHERE r.id = o.id AND r."validTo" IS NULL;
    DELETE FROM "StatementRevision" r USING old_rows o WHERE r.id = o.id AND r."validTo" = r."validFrom";
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO "StatementRevision" ("id", "seq", "slug", "text", "kind", "saidOn", "venue", "speakerId", "onBehalfOfId", "sourceId", "respondsToId", "responseKind", "threadIds", "retractedAt", "retractedBy", "retractionReason", "quoteStart", "quoteEnd", "createdAt", "updatedAt", "validFrom")
    SELECT n."id", n."seq", n."slug", n."text", n."kind", n."saidOn", n."venue", n."speakerId", n."onBehalfOfId", n."sourceId", n."respondsToId", n."responseKind", n."threadIds", n."retractedAt", n."retractedBy", n."retractionReason", n."quoteStart", n."quoteEnd", n."createdAt", n."updatedAt", greatest(now(), (SELECT max(r."validTo") FROM "StatementRevision" r WHERE r.id = n.id))
    FROM new_rows n;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "StatementRevision_insert" AFTER INSERT ON "Statement" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "StatementRevision_write"();
CREATE TRIGGER "StatementRevision_update" AFTER UPDATE ON "Statement" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "StatementRevision_write"();
CREATE TRIGGER "StatementRevision_delete" AFTER DELETE ON "Statement" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "StatementRevision_write"();

-- The rows of "Statement" as they were at instant t: an inlinable SQL function, so an as-of read plans as a read of
-- "Statement" does, on the revision table's indexes. Columns in "Statement"'s own order (the migrations added some later).
DO $do$
BEGIN
  EXECUTE format(
    'CREATE FUNCTION "Statement_asOf"(t timestamptz) RETURNS SETOF "Statement" LANGUAGE sql STABLE AS $f$ SELECT %s FROM "StatementRevision" WHERE "validFrom" <= t AND ("validTo" IS NULL OR "validTo" > t) $f$',
    (SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'Statement'));
END
$do$;

-- CreateTable
CREATE TABLE "ClaimRevision" (LIKE "Claim");
ALTER TABLE "ClaimRevision" ADD COLUMN "revisionId" BIGSERIAL NOT NULL,
ADD COLUMN "validFrom" TIMESTAMPTZ(3) NOT NULL,
ADD COLUMN "validTo" TIMESTAMPTZ(3),
ADD CONSTRAINT "ClaimRevision_pkey" PRIMARY KEY ("revisionId");

-- CreateIndex
CREATE INDEX "ClaimRevision_id_validFrom_idx" ON "ClaimRevision"("id", "validFrom");

-- CreateIndex
CREATE INDEX "ClaimRevision_slug_validFrom_idx" ON "ClaimRevision"("slug", "validFrom");

-- One open version per record (SQL-only, named in schema.prisma)
CREATE UNIQUE INDEX "ClaimRevision_open_key" ON "ClaimRevision"("id") WHERE "validTo" IS NULL;

-- What is stored now, from each record's creation (earlier versions were not kept)
INSERT INTO "ClaimRevision" ("id", "slug", "text", "topics", "topicSlugs", "status", "sourceId", "createdAt", "updatedAt", "validFrom")
SELECT "id", "slug", "text", "topics", "topicSlugs", "status", "sourceId", "createdAt", "updatedAt", "createdAt" FROM "Claim" ORDER BY id;

-- A write closes the open version of each row it changes or deletes, at its transaction's time (or at the
-- open version's start, when a writer that started later committed first: that version is then dropped),
-- and opens the new one where the last ended. Several writes to one row in one transaction leave one version.
CREATE FUNCTION "ClaimRevision_write"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE "ClaimRevision" r SET "validTo" = greatest(now(), r."validFrom") FROM old_rows o WHERE r.id = o.id AND r."validTo" IS NULL;
    DELETE FROM "ClaimRevision" r USING old_rows o WHERE r.id = o.id AND r."validTo" = r."validFrom";
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO "ClaimRevision" ("id", "slug", "text", "topics", "topicSlugs", "status", "sourceId", "createdAt", "updatedAt", "validFrom")
    SELECT n."id", n."slug", n."text", n."topics", n."topicSlugs", n."status", n."sourceId", n."createdAt", n."updatedAt", greatest(now(), (SELECT max(r."validTo") FROM "ClaimRevision" r WHERE r.id = n.id))
    FROM new_rows n;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "ClaimRevision_insert" AFTER INSERT ON "Claim" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "ClaimRevision_write"();
CREATE TRIGGER "ClaimRevision_update" AFTER UPDATE ON "Claim" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "ClaimRevision_write"();
CREATE TRIGGER "ClaimRevision_delete" AFTER DELETE ON "Claim" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "ClaimRevision_write"();

-- The rows of "Claim" as they were at instant t: an inlinable SQL function, so an as-of read plans as a read of
-- "Claim" does, on the revision table's indexes. Columns in "Claim"'s own order (the migrations added some later).
DO $do$
BEGIN
  EXECUTE format(
    'CREATE FUNCTION "Claim_asOf"(t timestamptz) RETURNS SETOF "Claim" LANGUAGE sql STABLE AS $f$ SELECT %s FROM "ClaimRevision" WHERE "validFrom" <= t AND ("validTo" IS NULL OR "validTo" > t) $f$',
    (SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'Claim'));
END
$do$;

-- CreateTable
CREATE TABLE "StanceRevision" (LIKE "Stance");
ALTER TABLE "StanceRevision" ADD COLUMN "revisionId" BIGSERIAL NOT NULL,
ADD COLUMN "validFrom" TIMESTAMPTZ(3) NOT NULL,
ADD COLUMN "validTo" TIMESTAMPTZ(3),
ADD CONSTRAINT "StanceRevision_pkey" PRIMARY KEY ("revisionId");

-- CreateIndex
CREATE INDEX "StanceRevision_id_validFrom_idx" ON "StanceRevision"("id", "validFrom");

-- CreateIndex
CREATE INDEX "StanceRevision_statementId_idx" ON "StanceRevision"("statementId");

-- CreateIndex
CREATE INDEX "StanceRevision_claimId_idx" ON "StanceRevision"("claimId");

-- One open version per record (SQL-only, named in schema.prisma)
CREATE UNIQUE INDEX "StanceRevision_open_key" ON "StanceRevision"("id") WHERE "validTo" IS NULL;

-- What is stored now, from each record's creation (earlier versions were not kept)
INSERT INTO "StanceRevision" ("id", "statementId", "claimId", "position", "createdAt", "updatedAt", "validFrom")
SELECT "id", "statementId", "claimId", "position", "createdAt", "updatedAt", "createdAt" FROM "Stance" ORDER BY id;

-- A write closes the open version of each row it changes or deletes, at its transaction's time (or at the
-- open version's start, when a writer that started later committed first: that version is then dropped),
-- and opens the new one where the last ended. Several writes to one row in one transaction leave one version.
CREATE FUNCTION "StanceRevision_write"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE "StanceRevision" r SET "validTo" = greatest(now(), r."validFrom") FROM old_rows o WHERE r.id = o.id AND r."validTo" IS NULL;
    DELETE FROM "StanceRevision" r USING old_rows o WHERE r.id = o.id AND r."validTo" = r."validFrom";
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO "StanceRevision" ("id", "statementId", "claimId", "position", "createdAt", "updatedAt", "validFrom")
    SELECT n."id", n."statementId", n."claimId", n."position", n."createdAt", n."updatedAt", greatest(now(), (SELECT max(r."validTo") FROM "StanceRevision" r WHERE r.id = n.id))
    FROM new_rows n;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "StanceRevision_insert" AFTER INSERT ON "Stance" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "StanceRevision_write"();
CREATE TRIGGER "StanceRevision_update" AFTER UPDATE ON "Stance" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "StanceRevision_write"();
CREATE TRIGGER "StanceRevision_delete" AFTER DELETE ON "Stance" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "StanceRevision_write"();

-- The rows of "Stance" as they were at instant t: an inlinable SQL function, so an as-of read plans as a read of
-- "Stance" does, on the revision table's indexes. Columns in "Stance"'s own order (the migrations added some later).
DO $do$
BEGIN
  EXECUTE format(
    'CREATE FUNCTION "Stance_asOf"(t timestamptz) RETURNS SETOF "Stance" LANGUAGE sql STABLE AS $f$ SELECT %s FROM "StanceRevision" WHERE "validFrom" <= t AND ("validTo" IS NULL OR "validTo" > t) $f$',
    (SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'Stance'));
END
$do$;

-- CreateTable
CREATE TABLE "ReviewRevision" (LIKE "Review");
ALTER TABLE "ReviewRevision" ADD COLUMN "revisionId" BIGSERIAL NOT NULL,
ADD COLUMN "validFrom" TIMESTAMPTZ(3) NOT NULL,
ADD COLUMN "validTo" TIMESTAMPTZ(3),
ADD CONSTRAINT "ReviewRevision_pkey" PRIMARY KEY ("revisionId");

-- CreateIndex
CREATE INDEX "ReviewRevision_id_validFrom_idx" ON "ReviewRevision"("id", "validFrom");

-- CreateIndex
CREATE INDEX "ReviewRevision_claimId_idx" ON "ReviewRevision"("claimId");

-- One open version per record (SQL-only, named in schema.prisma)
CREATE UNIQUE INDEX "ReviewRevision_open_key" ON "ReviewRevision"("id") WHERE "validTo" IS NULL;

-- What is stored now, from each record's creation (earlier versions were not kept)
INSERT INTO "ReviewRevision" ("id", "claimId", "reviewerId", "scaleId", "ratingLabel", "ratingValue", "normalizedRating", "explanation", "url", "publishedOn", "language", "createdAt", "updatedAt", "validFrom")
SELECT "id", "claimId", "reviewerId", "scaleId", "ratingLabel", "ratingValue", "normalizedRating", "explanation", "url", "publishedOn", "language", "createdAt", "updatedAt", "createdAt" FROM "Review" ORDER BY id;

-- A write closes the open version of each row it changes or deletes, at its transaction's time (or at the
-- open version's start, when a writer that started later committed first: that version is then dropped),
-- and opens the new one where the last ended. Several writes to one row in one transaction leave one version.
CREATE FUNCTION "ReviewRevision_write"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE "ReviewRevision" r SET "validTo" = greatest(now(), r."validFrom") FROM old_rows o WHERE r.id = o.id AND r."validTo" IS NULL;
    DELETE FROM "ReviewRevision" r USING old_rows o WHERE r.id = o.id AND r."validTo" = r."validFrom";
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO "ReviewRevision" ("id", "claimId", "reviewerId", "scaleId", "ratingLabel", "ratingValue", "normalizedRating", "explanation", "url", "publishedOn", "language", "createdAt", "updatedAt", "validFrom")
    SELECT n."id", n."claimId", n."reviewerId", n."scaleId", n."ratingLabel", n."ratingValue", n."normalizedRating", n."explanation", n."url", n."publishedOn", n."language", n."createdAt", n."updatedAt", greatest(now(), (SELECT max(r."validTo") FROM "ReviewRevision" r WHERE r.id = n.id))
    FROM new_rows n;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "ReviewRevision_insert" AFTER INSERT ON "Review" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "ReviewRevision_write"();
CREATE TRIGGER "ReviewRevision_update" AFTER UPDATE ON "Review" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "ReviewRevision_write"();
CREATE TRIGGER "ReviewRevision_delete" AFTER DELETE ON "Review" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "ReviewRevision_write"();

-- The rows of "Review" as they were at instant t: an inlinable SQL function, so an as-of read plans as a read of
-- "Review" does, on the revision table's indexes. Columns in "Review"'s own order (the migrations added some later).
DO $do$
BEGIN
  EXECUTE format(
    'CREATE FUNCTION "Review_asOf"(t timestamptz) RETURNS SETOF "Review" LANGUAGE sql STABLE AS $f$ SELECT %s FROM "ReviewRevision" WHERE "validFrom" <= t AND ("validTo" IS NULL OR "validTo" > t) $f$',
    (SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'Review'));
END
$do$;

-- The audit log and the status changes are only ever appended to: as of t, the entries written by then.
CREATE FUNCTION "AuditEntry_asOf"(t timestamptz) RETURNS SETOF "AuditEntry" LANGUAGE sql STABLE AS $$ SELECT * FROM "AuditEntry" WHERE "at" <= t $$;
CREATE FUNCTION "ClaimStatusChange_asOf"(t timestamptz) RETURNS SETOF "ClaimStatusChange" LANGUAGE sql STABLE AS $$ SELECT * FROM "ClaimStatusChange" WHERE "at" <= t $$;
