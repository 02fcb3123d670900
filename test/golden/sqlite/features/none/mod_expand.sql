SELECT * FROM "SigmaEvents" WHERE ("User" LIKE 'Administrator' OR "User" LIKE 'admin%') AND ("Image" LIKE '%psexec.exe' OR "Image" LIKE '%procdump_.exe')
