-- CreateTable
CREATE TABLE "Tag" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "Tag_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Tag_name_key" ON "Tag"("name");

-- AlterTable
ALTER TABLE "Tag" ADD COLUMN "color" TEXT;

-- CreateIndex
CREATE INDEX "Tag_color_idx" ON "Tag"("color");

INSERT INTO "Tag" ("name") SELECT DISTINCT "label" FROM "Post" WHERE "label" IS NOT NULL;
UPDATE "Tag" SET "color" = 'grey' WHERE "color" IS NULL;
