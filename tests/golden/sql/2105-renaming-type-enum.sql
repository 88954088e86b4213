-- RenameEnum
ALTER TYPE "ProductTeamPermission" RENAME TO "ProjectTeamPermission";
