lint tests/golden/cli/data/project/prisma/migrations
