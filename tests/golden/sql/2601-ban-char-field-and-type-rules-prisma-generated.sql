-- CreateTable
CREATE TABLE "Metric" (
    "id" SERIAL NOT NULL,
    "name" VARCHAR(64) NOT NULL,
    "country" CHAR(2),
    "recordedAt" TIMESTAMP(3) NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "Metric_pkey" PRIMARY KEY ("id")
);
