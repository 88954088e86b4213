-- AlterTable: a lone file, the old type is unknown
ALTER TABLE "DocumentVersion" ALTER COLUMN "fileSize" SET DATA TYPE BIGINT;
