SELECT * FROM "SigmaEvents" WHERE lower("Image") LIKE 'c:\temp\evil.exe' AND lower("TargetFilename") LIKE '%\'
