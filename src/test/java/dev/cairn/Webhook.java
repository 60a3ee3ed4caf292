package dev.cairn;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real HTTP endpoint for tests of objects that call out: every request waits until the test
 * answers it, so a test can hold a delivery in flight (and kill the service meanwhile).
 */
public final class Webhook implements AutoCloseable {
    /** One request; the caller waits until {@link #answer} is called. */
    public record Received(String body, CompletableFuture<Integer> status) {
        public void answer(int code) {
            status.complete(code);
        }
    }

    private final HttpServer server;
    private final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();

    public Webhook() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            var r = new Received(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8), new CompletableFuture<>());
            received.add(r);
            int code;
            try {
                code = r.status().get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                code = 504;
            }
            exchange.sendResponseHeaders(code, -1);
            exchange.close();
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** The next request, waiting at most {@code timeout} for it. */
    public Received next(Duration timeout) throws InterruptedException, TimeoutException {
        Received r = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (r == null) {
            throw new TimeoutException("no request reached the webhook within " + timeout);
        }
        return r;
    }

    @Override
    public void close() {
        received.forEach(r -> r.answer(503));
        server.stop(0);
    }
}
