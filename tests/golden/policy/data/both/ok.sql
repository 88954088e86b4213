-- a harmless migration
CREATE TABLE "Note" ("id" SERIAL PRIMARY KEY, "body" TEXT);
