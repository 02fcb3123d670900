SELECT * FROM "events" WHERE "ImageLoaded" LIKE '%\dbghelp.dll' AND "Image" LIKE '%\procdump.exe'
