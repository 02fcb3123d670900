SELECT * FROM "SigmaEvents" WHERE regexp_matches("CommandLine", 'mimikatz(\.exe)? +"?sekurlsa::')
