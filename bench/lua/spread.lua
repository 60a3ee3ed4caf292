-- Spreads wrk's threads over several servers on 127.0.0.1: thread k connects to the k-th port of
-- WRK_SPREAD_PORTS (space-separated, round-robin), whatever the URL's port. Appended after a scenario
-- script; chains its setup() (many.lua's gives each thread an id), so run as many threads as ports
-- (or a multiple) to load every server alike.
local scenario_setup = setup
local ports = {}
for port in string.gmatch(os.getenv("WRK_SPREAD_PORTS") or "", "%d+") do
  ports[#ports + 1] = port
end
if #ports == 0 then
  error("spread.lua: set WRK_SPREAD_PORTS to the servers' ports, e.g. \"18181 18182 18183\"")
end
local spread_threads = 0

function setup(thread)
  if scenario_setup then scenario_setup(thread) end
  thread.addr = wrk.lookup("127.0.0.1", ports[spread_threads % #ports + 1])[1]
  spread_threads = spread_threads + 1
end
