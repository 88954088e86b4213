-- AlterTable
ALTER TABLE "Post" DROP COLUMN "body";

-- AlterTable
ALTER TABLE "User" DROP COLUMN "nick";

-- CreateIndex
CREATE INDEX "Post_title_idx" ON "Post"("title");
