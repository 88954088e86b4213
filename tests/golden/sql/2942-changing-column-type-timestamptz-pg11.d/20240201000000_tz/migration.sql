-- rewrite unless the session TimeZone is UTC
ALTER TABLE "User" ALTER COLUMN "createdOn" SET DATA TYPE TIMESTAMPTZ(3);

-- hoppscotch's shape: USING always rewrites (help: SET TIME ZONE 'UTC' instead)
ALTER TABLE "User" ALTER COLUMN "lastLoggedOn" SET DATA TYPE TIMESTAMPTZ(3) USING "lastLoggedOn" AT TIME ZONE 'UTC';

-- PostgreSQL 11 rewrites even after SET TIME ZONE 'UTC': a finding
SET TIME ZONE 'UTC';
ALTER TABLE "User" ALTER COLUMN "lastActiveOn" SET DATA TYPE TIMESTAMPTZ(3);
