-- multibyte names: PostgreSQL cuts at a character boundary, keeping 62, 61 or 60 bytes
CREATE TABLE "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa日本" ("id" TEXT NOT NULL);
ALTER TABLE "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa日本" ADD COLUMN "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb日本" TEXT;
CREATE INDEX "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc😀😀" ON "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa日本"("id");
