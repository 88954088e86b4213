-- CreateTable
CREATE TABLE "Draft" (
    "id" TEXT NOT NULL,
    "tmp" TEXT,

    CONSTRAINT "Draft_pkey" PRIMARY KEY ("id")
);

-- column of a table created in this migration: no finding
ALTER TABLE "Draft" DROP COLUMN "tmp";

-- column added earlier in this migration: no finding
ALTER TABLE "Account" ADD COLUMN "scratch" TEXT;
ALTER TABLE "Account" DROP COLUMN "scratch";
