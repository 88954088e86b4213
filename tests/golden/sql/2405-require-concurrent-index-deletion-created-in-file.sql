CREATE TABLE "Scratch" ("id" BIGINT PRIMARY KEY, "key" TEXT);
CREATE INDEX "Scratch_key_idx" ON "Scratch"("key");
DROP INDEX "Scratch_key_idx";
