-- a timeout of 0 disables it: fires
SET statement_timeout = 0;
INSERT INTO "InvoiceArchive" SELECT * FROM "Invoice" WHERE "createdAt" < '2020-01-01';
