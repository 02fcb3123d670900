SELECT * FROM "SigmaEvents" WHERE "Image" LIKE '%\whoami.exe'

SELECT * FROM "SigmaEvents" WHERE "Image" LIKE '%\net.exe' AND "CommandLine" LIKE '% group %'
