-- POST (no body) to CREATE_N distinct objects, each once, then to the first again and again
-- (wrk runs for a fixed time; the script counts, and the caller waits for the count).
-- args: <template> <n> <threads>   template contains "{i}", e.g. /objects/counter/obj-{i}/increment
-- Thread t of T takes t, t+T, t+2T, ... so the threads never repeat a name.
local template, n, stride = "/objects/counter/obj-{i}/increment", 100000, 1

local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

local next_i
function init(args)
  if args[1] then template = args[1] end
  if args[2] then n = tonumber(args[2]) end
  if args[3] then stride = tonumber(args[3]) end
  next_i = tid or 0
end

function request()
  local i = next_i
  if i < n then
    next_i = next_i + stride
  else
    i = 0
  end
  return wrk.format("POST", (template:gsub("{i}", string.format("%06d", i))))
end
