/*
  Warnings:

  -
  - You are about to drop the `Gone` table. If the table is not empty, all the data it contains will be lost.
  -
*/
-- CreateTable
CREATE TABLE "Kept" (
    "id" SERIAL NOT NULL,

    CONSTRAINT "Kept_pkey" PRIMARY KEY ("id")
);
