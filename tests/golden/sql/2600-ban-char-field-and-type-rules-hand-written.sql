CREATE TABLE "Metric" (
    "id" SERIAL PRIMARY KEY,
    "shard" SMALLINT NOT NULL,
    "name" VARCHAR(64) NOT NULL,
    "note" VARCHAR,
    "country" CHAR(2),
    "recordedAt" TIMESTAMP(3) NOT NULL,
    "loggedAt" TIMESTAMPTZ NOT NULL,
    "value" BIGINT NOT NULL,
    "tags" INTEGER[]
);
ALTER TABLE "Metric" ADD COLUMN "bucket" SMALLSERIAL, ALTER COLUMN "value" TYPE INTEGER;
