SELECT * FROM "SigmaEvents" WHERE "Image" LIKE 'C:\Temp\evil.exe' AND "TargetFilename" LIKE '%\'
