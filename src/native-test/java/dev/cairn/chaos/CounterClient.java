package dev.cairn.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Function;

/**
 * The example counter over HTTP, sent to a chosen node: {@code POST /objects/counter/{name}/increment}
 * with {@code {}} (one more; answers {@code {"value": n}}) and {@code GET /objects/counter/{name}},
 * each within a timeout, each answer sorted into what the checker needs. Thread-safe (the HTTP client
 * is).
 */
final class CounterClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a read got: the value with the node that served it and the counter's shard, or why there is none. */
    sealed interface Reading {
        record Value(long value, String servedBy, int shard) implements Reading {}

        record Unread(String reason) implements Reading {}
    }

    private final HttpClient http;
    private final Function<String, String> urlOf;
    private final Duration timeout;

    /** {@code urlOf}: a node id to its base URL; {@code timeout}: the longest any request may take, answer included. */
    CounterClient(HttpClient http, Function<String, String> urlOf, Duration timeout) {
        this.http = http;
        this.urlOf = urlOf;
        this.timeout = timeout;
    }

    /** The same client with another timeout. */
    CounterClient withTimeout(Duration other) {
        return new CounterClient(http, urlOf, other);
    }

    Outcome increment(String node, String counter) throws InterruptedException {
        HttpRequest request = request(node, "/objects/counter/" + counter + "/increment")
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        try {
            HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
            return Outcomes.ofAnswer(answer.statusCode(), answer.headers().firstValue("Cairn-Owner").orElse(null), answer.body());
        } catch (IOException e) {
            return Outcomes.ofFailure(e);
        }
    }

    Reading read(String node, String counter) throws InterruptedException {
        try {
            HttpResponse<String> answer = http.send(request(node, "/objects/counter/" + counter).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                return new Reading.Unread(answer.statusCode() + " " + answer.body());
            }
            JsonNode value = JSON.readTree(answer.body()).path("value");
            if (!value.isIntegralNumber()) {
                return new Reading.Unread("200 without an integer value: " + answer.body());
            }
            return new Reading.Value(value.asLong(), answer.headers().firstValue("Cairn-Owner").orElse("?"),
                    answer.headers().firstValue("Cairn-Shard").map(Integer::parseInt).orElse(-1));
        } catch (IOException e) {
            return new Reading.Unread(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** {@code GET /cluster} on {@code node}: the node's view of the members and of each shard's owner. */
    JsonNode cluster(String node) throws IOException, InterruptedException {
        // Not part of the workload: a node's first answer may be slow (a cold JVM), so it gets longer than a call.
        HttpResponse<String> answer = http.send(request(node, "/cluster").timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IOException("GET /cluster on " + node + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return JSON.readTree(answer.body());
    }

    /** Whether {@code node} answers {@code /q/health/ready} with 200 now. */
    boolean ready(String node) throws InterruptedException {
        try {
            return http.send(request(node, "/q/health/ready").GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    private HttpRequest.Builder request(String node, String path) {
        return HttpRequest.newBuilder(URI.create(urlOf.apply(node) + path)).timeout(timeout);
    }
}
