-- fires: overwrites "plan" in every row
UPDATE "User" SET "plan" = 'free';

-- fine: limited
UPDATE "Rule" SET "systemType" = 'TO_REPLY' WHERE "name" = 'To Reply';
