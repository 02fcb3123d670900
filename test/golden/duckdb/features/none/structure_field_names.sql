SELECT * FROM "SigmaEvents" WHERE lower("cs-uri-query") LIKE '%cmd=%' AND lower("process.name") LIKE 'sh' AND lower("Event Type") LIKE 'create'
