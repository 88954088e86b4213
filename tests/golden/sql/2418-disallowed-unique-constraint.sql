-- AlterTable
ALTER TABLE "TeamCollection" ADD CONSTRAINT "TeamCollection_teamID_parentID_orderIndex_key" UNIQUE ("teamID", "parentID", "orderIndex");
ALTER TABLE "User" ADD COLUMN "handle" TEXT UNIQUE;
