SELECT * FROM "SigmaEvents" WHERE "Image" LIKE '%\a.exe' AND "CommandLine" LIKE '%x%' OR "User" LIKE 'SYSTEM'
