-- CreateTable
CREATE TABLE "Metric" (
    "id" TEXT NOT NULL,
    "value" INTEGER NOT NULL,
    CONSTRAINT "Metric_pkey" PRIMARY KEY ("id")
);

-- a table created in this migration: no finding
ALTER TABLE "Metric" ALTER COLUMN "value" SET DATA TYPE DOUBLE PRECISION;
