SELECT * FROM "SigmaEvents" WHERE lower("Image") LIKE 'c:\users\%' AND lower("Image") LIKE '%.scr' AND lower("Image") LIKE '%\appdata\%'
