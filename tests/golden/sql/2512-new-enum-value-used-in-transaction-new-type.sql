-- CreateEnum
CREATE TYPE "Status" AS ENUM ('OPEN', 'CLOSED');
ALTER TYPE "Status" ADD VALUE 'ARCHIVED';

-- CreateTable
CREATE TABLE "Ticket" (
    "id" TEXT NOT NULL,
    "status" "Status" NOT NULL DEFAULT 'ARCHIVED',

    CONSTRAINT "Ticket_pkey" PRIMARY KEY ("id")
);
