SELECT * FROM "SigmaEvents" WHERE "Image" LIKE '%\a.exe' OR "CommandLine" LIKE '%x%'
