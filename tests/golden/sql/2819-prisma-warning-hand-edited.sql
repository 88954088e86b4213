/*
  Warnings:

  - Added the required column `name` to the `User` table without a default value. This is not possible if the table is not empty.

*/
-- AlterTable: edited by hand to backfill before making the column required
ALTER TABLE "User" ADD COLUMN "name" TEXT;
UPDATE "User" SET "name" = "email" WHERE "name" IS NULL;
ALTER TABLE "User" ALTER COLUMN "name" SET NOT NULL;
