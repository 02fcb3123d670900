SELECT * FROM "SigmaEvents" WHERE "SourceUser" = "TargetUser"
