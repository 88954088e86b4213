SET lock_timeout = '5s';
ALTER TABLE "Account" ADD CONSTRAINT "Account_userId_not_null" CHECK ("userId" IS NOT NULL) NOT VALID;
ALTER TABLE "Account" VALIDATE CONSTRAINT "Account_userId_not_null";
ALTER TABLE "Account" ALTER COLUMN "userId" SET NOT NULL;
