SELECT * FROM "SigmaEvents" WHERE "Image" LIKE '%\certutil.exe' AND "CommandLine" LIKE '%urlcache%' OR "Image" LIKE '%\bitsadmin.exe' AND "CommandLine" LIKE '%transfer%'
