-- POST (no body) to a path chosen uniformly at random among NOBJ objects.
-- args: <template> [nobj]   template contains "{i}", replaced by 0..nobj-1, e.g.
--   /counter/o{i}/increment          (workerd peer)
--   /objects/counter/o{i}/increment  (Cairn)
-- Adapted from ../shared/peers/workerd/bench/many.lua, which hard-codes the workerd path;
-- one parametrised script keeps the two systems' request mix identical.
local template, nobj = "/counter/o{i}/increment", 1000

-- setup() runs in the main Lua state once per thread: give each thread an id so the
-- per-thread random streams differ (seeding from the clock alone can make them identical).
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

function init(args)
  if args[1] then template = args[1] end
  if args[2] then nobj = tonumber(args[2]) end
  math.randomseed(os.time() * 1000 + (tid or 0) * 7919 + math.floor(os.clock() * 1e6))
end

function request()
  local i = math.random(0, nobj - 1)
  return wrk.format("POST", (template:gsub("{i}", tostring(i))))
end
