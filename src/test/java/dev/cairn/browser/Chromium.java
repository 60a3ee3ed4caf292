package dev.cairn.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Headless Chromium driven over the Chrome DevTools Protocol, with nothing but the JDK's WebSocket
 * client and Jackson: launch, open pages, evaluate JavaScript in them. Enough for end-to-end tests
 * of a page; not a general browser driver. Thread-safe (responses are matched by id).
 */
public final class Chromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable");

    private final Process process;
    private final Path profile;
    private final WebSocket devtools;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final StringBuilder log = new StringBuilder();

    /** The Chromium binary on the PATH (or in /usr/bin), if any. */
    public static Optional<Path> binary() {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/local/bin:/snap/bin";
        for (String name : NAMES) {
            for (String dir : path.split(":")) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /** Starts headless Chromium with a fresh profile and connects to its DevTools endpoint. */
    public static Chromium launch(Path binary) throws Exception {
        Path profile = Files.createTempDirectory("cairn-chromium");
        Process p = new ProcessBuilder(binary.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--remote-debugging-port=0", "--remote-allow-origins=*", "--user-data-dir=" + profile, "about:blank")
                .redirectErrorStream(true).start();
        CompletableFuture<String> endpoint = new CompletableFuture<>();
        StringBuilder log = new StringBuilder();
        Thread.ofPlatform().daemon().start(() -> {
            try (var in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (log) {
                        log.append(line).append('\n');
                    }
                    int at = line.indexOf("DevTools listening on ");
                    if (at >= 0) {
                        endpoint.complete(line.substring(at + "DevTools listening on ".length()).trim());
                    }
                }
            } catch (IOException e) {
                // the process ended
            } finally {
                endpoint.completeExceptionally(new IllegalStateException("Chromium exited before listening:\n" + log));
            }
        });
        String url = endpoint.get(60, TimeUnit.SECONDS);
        return new Chromium(p, profile, URI.create(url), log);
    }

    private Chromium(Process process, Path profile, URI endpoint, StringBuilder log) throws Exception {
        this.process = process;
        this.profile = profile;
        this.devtools = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(endpoint, new WebSocket.Listener() {
            private final StringBuilder part = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                part.append(data);
                if (last) {
                    received(part.toString());
                    part.setLength(0);
                }
                ws.request(1);
                return null;
            }
        }).get(30, TimeUnit.SECONDS);
    }

    private void received(String message) {
        try {
            JsonNode m = JSON.readTree(message);
            if (m.has("id")) {
                CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
                if (f != null) {
                    if (m.has("error")) {
                        f.completeExceptionally(new IllegalStateException("DevTools error: " + m.get("error")));
                    } else {
                        f.complete(m.get("result"));
                    }
                }
            }
        } catch (IOException e) {
            // not JSON: ignore
        }
    }

    /** Sends one DevTools command (to a page's session when {@code sessionId} is not null) and waits for its result. */
    JsonNode send(String sessionId, String method, Map<String, Object> params) throws Exception {
        int id = ids.incrementAndGet();
        ObjectNode cmd = JSON.createObjectNode();
        cmd.put("id", id);
        cmd.put("method", method);
        cmd.set("params", JSON.valueToTree(params));
        if (sessionId != null) {
            cmd.put("sessionId", sessionId);
        }
        CompletableFuture<JsonNode> result = new CompletableFuture<>();
        pending.put(id, result);
        synchronized (devtools) {
            devtools.sendText(JSON.writeValueAsString(cmd), true).join();
        }
        return result.get(30, TimeUnit.SECONDS);
    }

    /** Opens {@code url} in a new tab. */
    public Page open(String url) throws Exception {
        String target = send(null, "Target.createTarget", Map.of("url", "about:blank")).get("targetId").asText();
        String session = send(null, "Target.attachToTarget", Map.of("targetId", target, "flatten", true)).get("sessionId").asText();
        Page page = new Page(this, session);
        send(session, "Page.enable", Map.of());
        send(session, "Page.navigate", Map.of("url", url));
        page.waitFor("location.href === " + JSON.writeValueAsString(url) + " && document.readyState === 'complete'");
        return page;
    }

    /** One tab. */
    public static final class Page {
        private final Chromium browser;
        private final String session;

        Page(Chromium browser, String session) {
            this.browser = browser;
            this.session = session;
        }

        /** Evaluates JavaScript (awaiting a returned promise) and returns its value as JSON. */
        public JsonNode eval(String expression) throws Exception {
            JsonNode r = browser.send(session, "Runtime.evaluate",
                    Map.of("expression", expression, "awaitPromise", true, "returnByValue", true));
            if (r.has("exceptionDetails")) {
                throw new AssertionError("page script failed: " + r.get("exceptionDetails"));
            }
            return r.get("result").get("value");
        }

        /**
         * Waits (inside the page, checking every 50 ms, up to 15 s) until {@code condition} is true. A
         * navigation replacing the page's script context meanwhile starts the wait again.
         */
        public void waitFor(String condition) throws Exception {
            for (int attempt = 0; ; attempt++) {
                try {
                    waitOnce(condition);
                    return;
                } catch (java.util.concurrent.ExecutionException e) {
                    if (attempt >= 5 || !String.valueOf(e.getCause()).contains("Execution context was destroyed")) {
                        throw e;
                    }
                }
            }
        }

        private void waitOnce(String condition) throws Exception {
            eval("new Promise((resolve, reject) => { const t0 = Date.now(); const check = () => { let ok = false;"
                    + " try { ok = !!(" + condition + "); } catch (e) {} if (ok) return resolve(true);"
                    + " if (Date.now() - t0 > 15000) return reject(new Error('timed out waiting for: ' + "
                    + JSON.writeValueAsString(condition) + ")); setTimeout(check, 50); }; check(); })");
        }
    }

    /** What Chromium printed (for failure messages). */
    public String log() {
        synchronized (log) {
            return log.toString();
        }
    }

    @Override
    public void close() {
        try {
            devtools.abort();
        } finally {
            // Its helpers (renderer, network service) write into the profile too: they go first, then the browser.
            List<ProcessHandle> helpers = process.descendants().toList();
            helpers.forEach(ProcessHandle::destroy);
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
                for (ProcessHandle helper : helpers) {
                    helper.onExit().get(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                helpers.forEach(ProcessHandle::destroyForcibly);
            }
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                // a temporary profile left behind (or a file vanishing while it is walked) is harmless
            }
        }
    }
}
