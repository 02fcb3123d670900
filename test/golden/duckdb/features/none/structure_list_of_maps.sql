SELECT * FROM "SigmaEvents" WHERE lower("Image") LIKE '%\certutil.exe' AND lower("CommandLine") LIKE '%urlcache%' OR lower("Image") LIKE '%\bitsadmin.exe' AND lower("CommandLine") LIKE '%transfer%'
