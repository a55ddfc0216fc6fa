-- wrk script: requests the URLs listed in the file named by $URLS, in turn.
local urls = {}
for line in io.lines(os.getenv("URLS")) do
  if line ~= "" then urls[#urls + 1] = line end
end
local i = math.random(#urls)
request = function()
  i = i % #urls + 1
  return wrk.format("GET", urls[i])
end
