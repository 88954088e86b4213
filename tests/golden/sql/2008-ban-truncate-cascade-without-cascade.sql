TRUNCATE "Session";
