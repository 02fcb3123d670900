SELECT * FROM "SigmaEvents" WHERE "CommandLine" LIKE '%vssadmin%' AND "CommandLine" LIKE '%delete%' AND "CommandLine" LIKE '%shadows%'
