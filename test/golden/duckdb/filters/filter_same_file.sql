SELECT * FROM "events" WHERE (lower("Image") LIKE '%\tshark.exe' OR lower("Image") LIKE '%\dumpcap.exe') AND NOT COALESCE(lower("User") LIKE 'netops\_%' ESCAPE '\', FALSE)
