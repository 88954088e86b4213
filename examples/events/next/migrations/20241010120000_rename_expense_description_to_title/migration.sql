-- AlterTable
ALTER TABLE "Expense" RENAME COLUMN "description" TO "title";
