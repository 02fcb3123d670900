SELECT * FROM "SigmaEvents" WHERE "ParentImage" IS NULL OR "CommandLine" LIKE ''
