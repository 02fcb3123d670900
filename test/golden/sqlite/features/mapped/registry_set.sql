SELECT * FROM "events" WHERE "TargetObject" LIKE '%\CurrentVersion\Run\%' AND "Details" REGEXP '(?i)\\temp\\.+\.exe'
