-- the enum is replaced through a text column: the type the release sees is the last one
CREATE TYPE "ProjectRole" AS ENUM ('OWNER', 'MEMBER', 'VIEWER');
ALTER TABLE "Membership" ADD COLUMN "role_temp" text;
UPDATE "Membership" SET "role_temp" = "role"::text WHERE "role" IS NOT NULL;
ALTER TABLE "Membership" DROP COLUMN "role";
ALTER TABLE "Membership" RENAME COLUMN "role_temp" TO "role";
ALTER TABLE "Membership" ALTER COLUMN "role" TYPE "ProjectRole" USING "role"::"ProjectRole";
