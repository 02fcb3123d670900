SELECT * FROM "SigmaEvents" WHERE lower("SourceUser") = lower("TargetUser")
