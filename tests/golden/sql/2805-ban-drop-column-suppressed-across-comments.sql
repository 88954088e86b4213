-- prisma-gate-ignore ban-drop-column, renaming-column: done in two releases, see RFC-12

-- AlterTable
ALTER TABLE "User" DROP COLUMN "nick";
ALTER TABLE "User" RENAME COLUMN "fullName" TO "name";
