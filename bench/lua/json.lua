-- Every request carries the JSON body "{}", as a client calling an object method without arguments does.
-- Prepended to a scenario script; wrk.format() (many.lua) and the static request (post.lua) both use it.
wrk.body = "{}"
wrk.headers["Content-Type"] = "application/json"
