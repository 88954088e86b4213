SET lock_timeout = '5s';
BEGIN;
ALTER TABLE "User" ADD COLUMN "bio" TEXT;
ALTER TABLE "User" ADD COLUMN "website" TEXT;
COMMIT;
