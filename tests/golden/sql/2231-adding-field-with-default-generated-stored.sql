ALTER TABLE "OrderLine" ADD COLUMN "total" NUMERIC GENERATED ALWAYS AS ("price" * "quantity") STORED;
