SET lock_timeout = 0;
ALTER TABLE "User" ADD COLUMN "bio" TEXT;
