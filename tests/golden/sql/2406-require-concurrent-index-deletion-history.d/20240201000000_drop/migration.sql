-- DropIndex
DROP INDEX "Label_name_idx";
