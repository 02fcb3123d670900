SELECT * FROM "SigmaEvents" WHERE "CommandLine" REGEXP '(?i)invoke-(mimikatz|kerberoast)'
