-- AlterTable
ALTER TABLE "User" ADD COLUMN "age" INTEGER;

ALTER TABLE "User" ADD COLUM "height" INTEGER;

DROP TABLE "Session";
