lint tests/golden/cli/data/project/prisma/migrations/20240102000000_add_name
