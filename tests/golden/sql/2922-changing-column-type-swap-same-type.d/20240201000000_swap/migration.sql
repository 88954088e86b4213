-- same type on both sides (a rebuilt column): no type change, data copied
ALTER TABLE "Task" ADD COLUMN "title_new" TEXT;
UPDATE "Task" SET "title_new" = trim("title") WHERE "title" IS NOT NULL;
ALTER TABLE "Task" DROP COLUMN "title";
ALTER TABLE "Task" RENAME COLUMN "title_new" TO "title";
