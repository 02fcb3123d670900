SELECT * FROM "SigmaEvents" WHERE "Image" LIKE '%\rundll32.exe' AND NOT COALESCE("ParentImage" LIKE 'C:\Windows\explorer.exe' OR "ParentImage" LIKE 'C:\Windows\System32\svchost.exe', FALSE)
