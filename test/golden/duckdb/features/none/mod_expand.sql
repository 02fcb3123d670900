SELECT * FROM "SigmaEvents" WHERE (lower("User") LIKE 'administrator' OR lower("User") LIKE 'admin%') AND (lower("Image") LIKE '%psexec.exe' OR lower("Image") LIKE '%procdump_.exe')
