SELECT * FROM "SigmaEvents" WHERE "User" REGEXP '(^[a-zA-Z]{4}$)|(^[a-zA-Z]{8}$)' OR "CommandLine" REGEXP '^cmd\.exe /c|powershell$'
