SELECT * FROM "SigmaEvents" WHERE "ScriptBlockText" REGEXP '(?ims)downloadstring.+iex'
