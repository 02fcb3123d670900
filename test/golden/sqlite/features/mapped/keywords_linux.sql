SELECT * FROM "events" WHERE "message" LIKE '%rm -rf /%' OR "message" LIKE '%nc -e %sh%' OR "message" REGEXP '(?i)^curl .*\|\s*sh$'
