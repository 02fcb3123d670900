SELECT * FROM "events" WHERE ("Image" LIKE '%\tshark.exe' OR "Image" LIKE '%\dumpcap.exe') AND NOT COALESCE("User" LIKE 'netops\_%' ESCAPE '\', FALSE)
