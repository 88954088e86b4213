-- café
SELECT 1; /* € */ TRUNCATE "Log";
