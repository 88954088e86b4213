-- CreateEnum
CREATE TYPE "Kind" AS ENUM ('A', 'B', 'C');

-- CreateTable
CREATE TABLE "Thing" (
    "id" TEXT NOT NULL,
    "kind" "Kind" NOT NULL,
    CONSTRAINT "Thing_pkey" PRIMARY KEY ("id")
);

-- a swap that only touches a table created in this migration: no finding
BEGIN;
CREATE TYPE "Kind_new" AS ENUM ('A', 'B');
ALTER TABLE "Thing" ALTER COLUMN "kind" TYPE "Kind_new" USING ("kind"::text::"Kind_new");
ALTER TYPE "Kind" RENAME TO "Kind_old";
ALTER TYPE "Kind_new" RENAME TO "Kind";
DROP TYPE "Kind_old";
COMMIT;
