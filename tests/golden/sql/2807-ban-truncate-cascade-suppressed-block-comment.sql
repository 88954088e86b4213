/* prisma-gate-ignore ban-truncate-cascade: staging-only reset table */
TRUNCATE "StagingImport";
