-- AlterTable: rows stay, indexes on the column are rebuilt (medium)
ALTER TABLE "User" ALTER COLUMN "email" SET DATA TYPE CITEXT;
