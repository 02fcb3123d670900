SELECT * FROM "SigmaEvents" WHERE "CommandLine" LIKE '%echo "a" | b%' OR "CommandLine" LIKE '%it''s%' OR "CommandLine" LIKE '%line1
line2%'
