SET lock_timeout = '5s';
BEGIN;
ALTER TABLE "User" ADD COLUMN "bio" TEXT;
ROLLBACK;
