SELECT * FROM "SigmaEvents" WHERE regexp_matches("User", '(^[a-zA-Z]{4}$)|(^[a-zA-Z]{8}$)') OR regexp_matches("CommandLine", '^cmd\.exe /c|powershell$')
