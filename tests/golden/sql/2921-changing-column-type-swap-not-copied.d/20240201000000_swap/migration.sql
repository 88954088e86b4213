-- the swap without the copy: the old values are lost
ALTER TABLE "Task" ADD COLUMN "done_new" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "Task" DROP COLUMN "done";
ALTER TABLE "Task" RENAME COLUMN "done_new" TO "done";
