SELECT * FROM "SigmaEvents" WHERE "ScriptBlockText" REGEXP '(?s)FromBase64String.+Invoke'
