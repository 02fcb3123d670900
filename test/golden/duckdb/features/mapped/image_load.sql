SELECT * FROM "events" WHERE lower("ImageLoaded") LIKE '%\dbghelp.dll' AND lower("Image") LIKE '%\procdump.exe'
