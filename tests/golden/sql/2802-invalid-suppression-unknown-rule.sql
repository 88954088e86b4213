-- prisma-gate-ignore ban-drop-tabel: typo must not silence anything
DROP TABLE "LegacyAudit";
