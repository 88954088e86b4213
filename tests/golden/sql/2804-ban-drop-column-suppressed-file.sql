ALTER TABLE "User" DROP COLUMN "legacyName";
ALTER TABLE "Post" DROP COLUMN "legacySlug";

-- prisma-gate-ignore-file ban-drop-column: both columns unused since v2.3 (#456)
