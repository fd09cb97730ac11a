-- The Atom feeds' order, latest change first (src/feeds/feeds.ts). Unfiltered, a feed page read every
-- statement (or claim) and sorted them for the 50 it shows: 84 ms at the bench's M size (200,000 statements),
-- on every poll of every feed reader. Most updates of both tables already change an indexed column (a
-- retraction, a text, a claim's status), so few updates that could be HOT before lose it.

CREATE INDEX "Statement_updatedAt_seq_idx" ON "Statement"("updatedAt" DESC, "seq" DESC);

CREATE INDEX "Claim_updatedAt_id_idx" ON "Claim"("updatedAt" DESC, "id" DESC);
