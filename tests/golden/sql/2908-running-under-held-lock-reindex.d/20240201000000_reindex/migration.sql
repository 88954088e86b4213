-- AlterTable
ALTER TABLE "Post" ADD COLUMN "title" TEXT;

-- the rebuild runs under the ADD COLUMN's ACCESS EXCLUSIVE lock on "Post"
REINDEX INDEX "Post_authorId_idx";
