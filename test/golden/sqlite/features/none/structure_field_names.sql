SELECT * FROM "SigmaEvents" WHERE "cs-uri-query" LIKE '%cmd=%' AND "process.name" LIKE 'sh' AND "Event Type" LIKE 'Create'
