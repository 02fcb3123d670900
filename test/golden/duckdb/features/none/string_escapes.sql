SELECT * FROM "SigmaEvents" WHERE lower("CommandLine") LIKE '%select * from%' OR lower("Query") LIKE '%why?' OR lower("ShareName") LIKE '\\server\share'
