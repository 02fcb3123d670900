SELECT * FROM "SigmaEvents" WHERE "Image" LIKE 'C:\Users\%' AND "Image" LIKE '%.scr' AND "Image" LIKE '%\AppData\%'
