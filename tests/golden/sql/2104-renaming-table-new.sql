-- CreateTable
CREATE TABLE "Temp" (
    "id" TEXT NOT NULL,
    CONSTRAINT "Temp_pkey" PRIMARY KEY ("id")
);

-- a table created in this migration: no finding
ALTER TABLE "Temp" RENAME TO "Workspace";
