SELECT * FROM "SigmaEvents" WHERE (lower("Image") LIKE '%\a.exe' OR lower("Image") LIKE '%\b.exe') AND NOT COALESCE(lower("CommandLine") LIKE '%x%' OR lower("User") LIKE 'system', FALSE)
