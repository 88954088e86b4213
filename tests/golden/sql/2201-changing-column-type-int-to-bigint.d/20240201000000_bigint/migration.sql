-- AlterTable
ALTER TABLE "DocumentVersion" ALTER COLUMN "fileSize" SET DATA TYPE BIGINT;
