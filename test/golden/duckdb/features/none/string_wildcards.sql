SELECT * FROM "SigmaEvents" WHERE lower("Image") LIKE 'c:\windows\sys%32\cmd.exe' OR lower("CommandLine") LIKE 'net_ user%'
