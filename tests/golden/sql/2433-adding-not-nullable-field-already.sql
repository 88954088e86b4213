-- AlterTable
ALTER TABLE "Invite" ADD COLUMN     "token" TEXT NOT NULL DEFAULT '';

-- a no-op: the column is NOT NULL already
ALTER TABLE "Invite" ALTER COLUMN "token" SET NOT NULL;
