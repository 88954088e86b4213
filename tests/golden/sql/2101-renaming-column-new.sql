-- CreateTable
CREATE TABLE "Survey" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    CONSTRAINT "Survey_pkey" PRIMARY KEY ("id")
);

-- a column of a table created in this migration: no finding
ALTER TABLE "Survey" RENAME COLUMN "name" TO "title";

-- a column added earlier in this migration (langfuse's output_temp pattern): no finding
ALTER TABLE "observations"
ADD COLUMN "output_temp" JSONB;
ALTER TABLE "observations"
RENAME COLUMN "output_temp" TO "output";
