SELECT * FROM "events" WHERE lower("message") LIKE '%rm -rf /%' OR lower("message") LIKE '%nc -e %sh%' OR regexp_matches("message", '(?i)^curl .*\|\s*sh$')
