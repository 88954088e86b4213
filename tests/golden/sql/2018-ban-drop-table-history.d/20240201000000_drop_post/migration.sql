/*
  Warnings:

  - You are about to drop the `Post` table. If the table is not empty, all the data it contains will be lost.

*/
-- DropForeignKey
ALTER TABLE "Post" DROP CONSTRAINT "Post_authorId_fkey";

-- DropTable
DROP TABLE "Post";

-- CreateTable
CREATE TABLE "Tag" (
    "id" SERIAL NOT NULL,
    CONSTRAINT "Tag_pkey" PRIMARY KEY ("id")
);

-- dropping a table created in this migration: no finding
DROP TABLE "Tag";
