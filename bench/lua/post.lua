-- POST (no body) to the URL path given on the wrk command line: one object, every request.
-- Copied from ../shared/peers/workerd/bench/post.lua.
wrk.method = "POST"
