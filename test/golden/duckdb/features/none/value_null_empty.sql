SELECT * FROM "SigmaEvents" WHERE "ParentImage" IS NULL OR lower("CommandLine") LIKE ''
