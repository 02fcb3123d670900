SELECT * FROM "SigmaEvents" WHERE ("Image" LIKE '%\a.exe' OR "CommandLine" LIKE '%x%') AND NOT COALESCE("User" LIKE 'SYSTEM', FALSE)
