SELECT * FROM "SigmaEvents" WHERE lower("CommandLine") LIKE '%echo "a" | b%' OR lower("CommandLine") LIKE '%it''s%' OR lower("CommandLine") LIKE '%line1
line2%'
