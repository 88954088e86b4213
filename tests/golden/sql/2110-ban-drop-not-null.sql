-- AlterTable
ALTER TABLE "Invite" ALTER COLUMN "deprecatedRole" DROP NOT NULL;

-- CreateTable
CREATE TABLE "Team" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    CONSTRAINT "Team_pkey" PRIMARY KEY ("id")
);

-- a table created in this migration: no finding
ALTER TABLE "Team" ALTER COLUMN "name" DROP NOT NULL;
