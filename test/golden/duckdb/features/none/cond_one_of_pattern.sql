SELECT * FROM "SigmaEvents" WHERE (lower("Image") LIKE '%\a.exe' OR lower("CommandLine") LIKE '%x%') AND NOT COALESCE(lower("User") LIKE 'system', FALSE)
