CREATE TEMP TABLE "tmp_ids" ("id" TEXT);
CREATE INDEX "tmp_ids_id_idx" ON "tmp_ids"("id");
