-- CreateEnum
CREATE TYPE "MonitorSeverity" AS ENUM ('ALERT', 'WARNING', 'OK', 'NO_DATA', 'UNKNOWN');

-- CreateTable
CREATE TABLE "monitors" (
    "id" TEXT NOT NULL,
    "severity" "MonitorSeverity" NOT NULL DEFAULT 'UNKNOWN',

    CONSTRAINT "monitors_pkey" PRIMARY KEY ("id")
);
