INSERT INTO "T" ("name") VALUES ('café');
