SELECT * FROM "SigmaEvents" WHERE "Image" LIKE 'C:\Windows\Sys%32\cmd.exe' OR "CommandLine" LIKE 'net_ user%'
