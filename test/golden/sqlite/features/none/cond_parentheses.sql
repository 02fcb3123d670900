SELECT * FROM "SigmaEvents" WHERE ("Image" LIKE '%\a.exe' OR "Image" LIKE '%\b.exe') AND NOT COALESCE("CommandLine" LIKE '%x%' OR "User" LIKE 'SYSTEM', FALSE)
