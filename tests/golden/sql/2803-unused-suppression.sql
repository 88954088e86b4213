-- prisma-gate-ignore ban-drop-column: nothing here drops a column
CREATE TABLE "Note" ("id" TEXT NOT NULL, CONSTRAINT "Note_pkey" PRIMARY KEY ("id"));
