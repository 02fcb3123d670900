SELECT * FROM "SigmaEvents" WHERE regexp_matches("ScriptBlockText", '(?ims)downloadstring.+iex')
