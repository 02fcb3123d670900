SELECT * FROM "events" WHERE "ImageLoaded" LIKE '%\wpcap.dll' AND NOT COALESCE("Image" LIKE 'C:\Program Files\CaptureAppliance\%' OR "Image" LIKE '%\\appliance\_update.exe' ESCAPE '\', FALSE)
