CREATE TABLE "Flag" ("id" INTEGER NOT NULL, "enabled" BOOLEAN, CONSTRAINT "Flag_pkey" PRIMARY KEY ("id"));
CREATE TABLE "LegacySetting" ("id" INTEGER NOT NULL, "name" TEXT, CONSTRAINT "LegacySetting_pkey" PRIMARY KEY ("id"));
