SELECT * FROM "SigmaEvents" WHERE lower("Image") LIKE '%\whoami.exe'

SELECT * FROM "SigmaEvents" WHERE lower("Image") LIKE '%\net.exe' AND lower("CommandLine") LIKE '% group %'
