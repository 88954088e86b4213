ALTER TABLE "Invoice"
    ADD COLUMN "customerId" BIGINT REFERENCES "Customer" ("id"),
    ADD COLUMN "parentId" BIGINT REFERENCES "Invoice" ("id");
