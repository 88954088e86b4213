-- AlterEnum
ALTER TYPE "Role" ADD VALUE 'EDITOR';

-- AlterTable
ALTER TABLE "User" ALTER COLUMN "role" SET DEFAULT 'EDITOR';

UPDATE "User" SET "role" = 'EDITOR' WHERE "isEditor";
