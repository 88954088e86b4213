-- AlterTable
ALTER TABLE "Event" ADD COLUMN     "location" TEXT;
