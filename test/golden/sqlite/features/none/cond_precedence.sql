SELECT * FROM "SigmaEvents" WHERE "Image" LIKE '%\a.exe' OR "Image" LIKE '%\b.exe' AND "CommandLine" LIKE '%x%' AND NOT COALESCE("User" LIKE 'SYSTEM', FALSE)
