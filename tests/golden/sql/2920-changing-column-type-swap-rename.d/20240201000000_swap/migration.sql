-- a timestamp becomes a boolean, by hand: the data is copied, the type still changes
ALTER TABLE "Task" ADD COLUMN "done_new" BOOLEAN NOT NULL DEFAULT false;
UPDATE "Task" SET "done_new" = true WHERE "done" IS NOT NULL;
ALTER TABLE "Task" DROP COLUMN "done";
ALTER TABLE "Task" RENAME COLUMN "done_new" TO "done";
