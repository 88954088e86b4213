-- arrays of integer/smallint are values, not ids or counters: not reported
ALTER TABLE "Post" ADD COLUMN "scores" INTEGER[];
ALTER TABLE "Post" ADD COLUMN "positions" SMALLINT[];
-- a plain integer column is
ALTER TABLE "Post" ADD COLUMN "views" INTEGER;
