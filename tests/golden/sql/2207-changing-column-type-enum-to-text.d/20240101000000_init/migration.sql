-- CreateEnum
CREATE TYPE "Status" AS ENUM ('OPEN', 'CLOSED');

-- CreateTable
CREATE TABLE "Ticket" (
    "id" SERIAL NOT NULL,
    "status" "Status" NOT NULL DEFAULT 'OPEN',
    "tags" TEXT[],

    CONSTRAINT "Ticket_pkey" PRIMARY KEY ("id")
);
