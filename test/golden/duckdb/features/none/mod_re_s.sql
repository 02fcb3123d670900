SELECT * FROM "SigmaEvents" WHERE regexp_matches("ScriptBlockText", '(?s)FromBase64String.+Invoke')
