-- prisma-gate-ignore ban-drop-table: the table was emptied and archived in #123
DROP TABLE "LegacyAudit";

DROP TABLE "Session";
