SELECT * FROM "events" WHERE lower("TargetObject") LIKE '%\currentversion\run\%' AND regexp_matches("Details", '(?i)\\temp\\.+\.exe')
