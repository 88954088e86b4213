ALTER TABLE "User" DROP COLUMN "nick";
CREATE INDEX "User_name_idx" ON "User"("name");
ALTER TABLE "User" ADD COLUMN "bio" VARCHAR(100);
