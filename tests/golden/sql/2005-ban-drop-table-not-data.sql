-- views, types and sequences hold no table data: no destructive finding
DROP VIEW "ActiveUsers";
DROP TYPE "Mood";
DROP SEQUENCE "invoice_number_seq";
DROP MATERIALIZED VIEW "DailyStats";
