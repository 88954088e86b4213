-- CreateTable
CREATE TABLE "DocumentVersion" (
    "id" TEXT NOT NULL,
    "fileSize" INTEGER,

    CONSTRAINT "DocumentVersion_pkey" PRIMARY KEY ("id")
);
