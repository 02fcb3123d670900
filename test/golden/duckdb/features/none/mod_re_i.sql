SELECT * FROM "SigmaEvents" WHERE regexp_matches("CommandLine", '(?i)invoke-(mimikatz|kerberoast)')
