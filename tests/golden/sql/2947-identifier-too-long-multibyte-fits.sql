-- 62 bytes with a multibyte character, not truncated: no finding
CREATE TABLE "ddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd日" ("id" TEXT NOT NULL);
