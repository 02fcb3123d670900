SELECT * FROM "SigmaEvents" WHERE "ScriptBlockText" REGEXP '(?m)^Set-MpPreference .*-Disable'
