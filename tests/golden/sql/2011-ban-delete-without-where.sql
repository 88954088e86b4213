-- fires: every row goes
DELETE FROM "ExecutedRule";

-- fine: a condition limits the rows
DELETE FROM "Group" WHERE "name" IS NULL;
DELETE FROM "Action" a USING "Rule" r WHERE a."ruleId" = r."id" AND r."deleted";
