-- CreateTable
CREATE TABLE "Task" (
    "id" TEXT NOT NULL,
    "ts" VARCHAR(32) NOT NULL,

    CONSTRAINT "Task_pkey" PRIMARY KEY ("id")
);
