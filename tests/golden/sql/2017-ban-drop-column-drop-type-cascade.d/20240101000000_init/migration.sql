-- CreateEnum
CREATE TYPE "Mood" AS ENUM ('HAPPY', 'SAD');

-- CreateTable
CREATE TABLE "Entry" (
    "id" SERIAL NOT NULL,
    "mood" "Mood" NOT NULL,

    CONSTRAINT "Entry_pkey" PRIMARY KEY ("id")
);
