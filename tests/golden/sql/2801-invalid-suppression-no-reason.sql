-- prisma-gate-ignore ban-drop-table
DROP TABLE "LegacyAudit";
