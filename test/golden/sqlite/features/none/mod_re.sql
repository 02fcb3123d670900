SELECT * FROM "SigmaEvents" WHERE "CommandLine" REGEXP 'mimikatz(\.exe)? +"?sekurlsa::'
