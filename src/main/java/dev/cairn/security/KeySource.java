package dev.cairn.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

/** Where the keys that verify bearer tokens come from: read once at start-up, or fetched from the issuer. */
sealed interface KeySource {
    /** The keys; {@code kidUnknown}: a token named a key id the last answer lacked (the issuer may have rotated its keys). */
    CompletionStage<List<VerificationKeys.Key>> keys(boolean kidUnknown);

    /**
     * The keys {@code inline} holds, or those at {@code location}: an http(s) URL (fetched when first needed, see
     * {@link Fetched}), a file, or a classpath resource. A file or resource that cannot be read stops start-up naming it.
     */
    static KeySource configured(String inline, String location, ObjectMapper json, InstantSource clock) {
        if (inline != null) {
            return new Fixed(parse(inline, json, "mp.jwt.verify.publickey"));
        }
        if (location.startsWith("https://") || location.startsWith("http://")) {
            return new Fetched(URI.create(location), json, clock);
        }
        String where = "mp.jwt.verify.publickey.location=" + location;
        return new Fixed(parse(read(location, where), json, where));
    }

    private static List<VerificationKeys.Key> parse(String text, ObjectMapper json, String where) {
        try {
            return VerificationKeys.parse(text, json);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static String read(String location, String where) {
        String name = location.startsWith("file:") ? location.substring(5)
                : location.startsWith("classpath:") ? location.substring(10) : location;
        try {
            Path file = Path.of(name);
            if (!location.startsWith("classpath:") && Files.isRegularFile(file)) {
                return Files.readString(file);
            }
            try (InputStream resource = Thread.currentThread().getContextClassLoader().getResourceAsStream(name.replaceFirst("^/", ""))) {
                if (resource != null && !location.startsWith("file:")) {
                    return new String(resource.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(where + ": cannot be read (" + e.getMessage() + ")", e);
        }
        throw new IllegalArgumentException(where + ": no such file or classpath resource (a PEM or JWK file, a classpath"
                + " resource, or an https URL of a JWK set)");
    }

    /** Keys configured once. */
    record Fixed(List<VerificationKeys.Key> list) implements KeySource {
        @Override
        public CompletionStage<List<VerificationKeys.Key>> keys(boolean kidUnknown) {
            return CompletableFuture.completedFuture(list);
        }
    }

    /**
     * Keys fetched from an issuer's URL (a JWK set, usually {@code /.well-known/jwks.json}): when first needed, again
     * after {@link #MAX_AGE}, and when a token names a key id they lack, at most once per {@link #REFETCH_AFTER} (so
     * tokens with made-up ids cannot make Cairn fetch on every request). A fetch that fails leaves the keys fetched
     * before in use. Safe from any thread: the last fetch is one atomic reference.
     */
    final class Fetched implements KeySource {
        static final Duration MAX_AGE = Duration.ofHours(1);
        static final Duration REFETCH_AFTER = Duration.ofSeconds(30);
        private static final Duration TIMEOUT = Duration.ofSeconds(10);

        private record Fetch(CompletableFuture<List<VerificationKeys.Key>> keys, Instant at) {}

        private final URI uri;
        private final ObjectMapper json;
        private final InstantSource clock;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL).build();
        private final AtomicReference<Fetch> last = new AtomicReference<>();

        Fetched(URI uri, ObjectMapper json, InstantSource clock) {
            this.uri = uri;
            this.json = json;
            this.clock = clock;
        }

        @Override
        public CompletionStage<List<VerificationKeys.Key>> keys(boolean kidUnknown) {
            Instant now = clock.instant();
            Fetch before = last.get();
            if (before != null && !due(before, now, kidUnknown)) {
                return before.keys();
            }
            var fetch = new Fetch(new CompletableFuture<>(), now);
            if (!last.compareAndSet(before, fetch)) {
                return last.get().keys();
            }
            fetch().whenComplete((keys, failure) -> {
                if (failure == null) {
                    fetch.keys().complete(keys);
                } else if (before != null && before.keys().isDone() && !before.keys().isCompletedExceptionally()) {
                    fetch.keys().complete(before.keys().join());
                } else {
                    fetch.keys().completeExceptionally(failure);
                }
            });
            return fetch.keys();
        }

        private static boolean due(Fetch fetch, Instant now, boolean kidUnknown) {
            if (!fetch.keys().isDone()) {
                return false;
            }
            Duration age = Duration.between(fetch.at(), now);
            boolean failed = fetch.keys().isCompletedExceptionally();
            return age.compareTo(MAX_AGE) >= 0 || ((kidUnknown || failed) && age.compareTo(REFETCH_AFTER) >= 0);
        }

        private CompletionStage<List<VerificationKeys.Key>> fetch() {
            var request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Accept", "application/json").GET().build();
            return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
                if (response.statusCode() != 200) {
                    throw new IllegalStateException(uri + " answered " + response.statusCode());
                }
                return parse(response.body(), json, uri.toString());
            });
        }
    }
}
