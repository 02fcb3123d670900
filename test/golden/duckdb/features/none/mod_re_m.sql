SELECT * FROM "SigmaEvents" WHERE regexp_matches("ScriptBlockText", '(?m)^Set-MpPreference .*-Disable')
