SELECT * FROM "SigmaEvents" WHERE lower("Image") LIKE '%\a.exe' AND lower("CommandLine") LIKE '%x%'
