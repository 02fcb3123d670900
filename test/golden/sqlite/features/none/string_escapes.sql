SELECT * FROM "SigmaEvents" WHERE "CommandLine" LIKE '%SELECT * FROM%' OR "Query" LIKE '%why?' OR "ShareName" LIKE '\\server\share'
