SELECT * FROM "SigmaEvents" WHERE lower("Image") LIKE '%\a.exe' OR lower("CommandLine") LIKE '%x%'
