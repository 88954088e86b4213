-- rewrite unless the session TimeZone is UTC
ALTER TABLE "User" ALTER COLUMN "createdOn" SET DATA TYPE TIMESTAMPTZ(3);

-- hoppscotch's shape: USING always rewrites (help: SET TIME ZONE 'UTC' instead)
ALTER TABLE "User" ALTER COLUMN "lastLoggedOn" SET DATA TYPE TIMESTAMPTZ(3) USING "lastLoggedOn" AT TIME ZONE 'UTC';

-- after SET TIME ZONE 'UTC' PostgreSQL 12+ skips the rewrite: no finding
SET TIME ZONE 'UTC';
ALTER TABLE "User" ALTER COLUMN "lastActiveOn" SET DATA TYPE TIMESTAMPTZ(3);
