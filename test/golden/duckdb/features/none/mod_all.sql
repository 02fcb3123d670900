SELECT * FROM "SigmaEvents" WHERE lower("CommandLine") LIKE '%vssadmin%' AND lower("CommandLine") LIKE '%delete%' AND lower("CommandLine") LIKE '%shadows%'
