-- the constraint was added NOT VALID by an earlier migration
ALTER TABLE "Post" ADD COLUMN "slug" TEXT;
ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_authorId_fkey";
