-- AlterTable
ALTER TABLE "User" ADD COLUMN "bio" TEXT;

-- CreateIndex: another table, no lock of this file on it
CREATE INDEX "Post_createdAt_idx" ON "Post"("createdAt");

-- AddForeignKey after an index build on the same table: the held SHARE lock blocks no more than the key's own
CREATE INDEX "Comment_postId_idx" ON "Comment"("postId");
ALTER TABLE "Comment" ADD CONSTRAINT "Comment_postId_fkey" FOREIGN KEY ("postId") REFERENCES "Post"("id") ON DELETE CASCADE ON UPDATE CASCADE;
