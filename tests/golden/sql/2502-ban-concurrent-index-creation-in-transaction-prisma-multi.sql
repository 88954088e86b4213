-- AlterTable
ALTER TABLE "Post" ADD COLUMN     "slug" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX CONCURRENTLY "Post_slug_key" ON "Post"("slug");

-- DropIndex
DROP INDEX CONCURRENTLY IF EXISTS "Post_title_idx";
