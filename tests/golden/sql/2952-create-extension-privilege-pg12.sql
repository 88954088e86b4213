-- on PostgreSQL 12 even a trusted extension needs a superuser
CREATE EXTENSION IF NOT EXISTS "pgcrypto";
