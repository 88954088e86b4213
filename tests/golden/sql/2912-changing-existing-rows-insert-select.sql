-- copies rows into an existing table: data-dependent
INSERT INTO "Archive" ("id", "body") SELECT "id", "body" FROM "Post" WHERE "createdAt" < '2020-01-01';
-- constant rows are not
INSERT INTO "Setting" ("key", "value") VALUES ('theme', 'dark');
INSERT INTO "Setting" ("key", "value") SELECT 'lang', 'en';
