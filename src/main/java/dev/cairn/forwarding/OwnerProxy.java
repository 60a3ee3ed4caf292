package dev.cairn.forwarding;

import dev.cairn.api.ObjectId;
import dev.cairn.cluster.Cluster;
import dev.cairn.cluster.Member;
import dev.cairn.rest.ProblemType;
import dev.cairn.rest.Problems;
import dev.cairn.forwarding.ForwardMeters.ForwardError;
import dev.cairn.service.CairnConfig;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Proxies a request to the node owning its object over a pooled, keep-alive Vert.x HTTP client:
 * method, path and query, headers (hop-by-hop ones excepted) and the body, streamed; the owner's
 * status, headers and body come back unchanged, plus {@code Cairn-Owner} and {@code Cairn-Shard}. An
 * owner that cannot be reached, or falls silent for {@code cairn.cluster.forward-timeout}, is a
 * retryable {@code 503 owner-unreachable} naming it. Thread-safe: everything runs on the event loop of
 * the incoming request (the client's callbacks included).
 */
@Singleton
final class OwnerProxy {
    private static final Logger LOG = Logger.getLogger(OwnerProxy.class);
    /** Headers that describe one connection, not the message (RFC 9110, 7.6.1), and so are not passed on. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
            "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host");
    /** Connections kept per owner; requests beyond them wait for one (keep-alive, HTTP/1.1). */
    private static final int CONNECTIONS_PER_OWNER = 64;
    /** How long an owner that lost the shard of a call it was sent may still answer it (see {@link PendingForwards}). */
    private static final Duration LOST_OWNER_GRACE = Duration.ofMillis(200);

    private final Cluster cluster;
    private final ObjectMapper json;
    private final HttpClient client;
    private final ForwardMeters meters;
    private final long forwardTimeoutMillis;
    private final PendingForwards pending;

    OwnerProxy(Cluster cluster, Vertx vertx, ObjectMapper json, MeterRegistry registry, CairnConfig config) {
        this.cluster = cluster;
        this.json = json;
        CairnConfig.ClusterConfig c = config.cluster();
        this.forwardTimeoutMillis = c.forwardTimeout().toMillis();
        List<String> others = switch (cluster) {
            case Cluster.Single single -> List.of();
            case Cluster.Sharded sharded -> sharded.members().others().stream().map(Member::id).toList();
        };
        this.pending = switch (cluster) {
            case Cluster.Single single -> null;
            case Cluster.Sharded sharded -> new PendingForwards(sharded.owners(), LOST_OWNER_GRACE);
        };
        this.meters = new ForwardMeters(registry, others);
        this.client = others.isEmpty() ? null : vertx.createHttpClient(new HttpClientOptions()
                        .setKeepAlive(true)
                        .setConnectTimeout((int) c.connectTimeout().toMillis())
                        .setDecompressionSupported(false), // the body goes back as the owner encoded it
                new PoolOptions().setHttp1MaxSize(CONNECTIONS_PER_OWNER));
    }

    /** Sends the request of {@code ctx} to {@code owner} and its answer back. */
    void forward(RoutingContext ctx, Cluster.Owner owner) {
        HttpServerRequest in = ctx.request();
        in.pause(); // until the owner's connection takes the body
        long start = System.nanoTime();
        Member member = owner.member();
        String self = cluster.nodeId();
        RequestOptions options = new RequestOptions()
                .setMethod(in.method())
                .setAbsoluteURI(member.url() + in.uri())
                .setIdleTimeout(forwardTimeoutMillis);
        copyHeaders(in.headers(), options.getHeaders() == null ? options.setHeaders(MultiMap.caseInsensitiveMultiMap()).getHeaders()
                : options.getHeaders());
        options.getHeaders().set(ForwardingHeaders.FORWARDED_BY, self);
        AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
        PendingForwards.Forward forward = new PendingForwards.Forward(owner.shard(), member.id(), Vertx.currentContext(), () -> {
            HttpClientRequest out = sent.get();
            if (out != null) {
                out.reset();
            }
            in.resume();
            ownerLost(ctx, owner);
        });
        pending.sent(forward);
        client.request(options).onComplete(connected -> {
            if (connected.failed()) {
                if (pending.answered(forward)) {
                    in.resume();
                    unreachable(ctx, owner, connected.cause());
                }
                return;
            }
            HttpClientRequest out = connected.result();
            sent.set(out);
            // A reset below fails the request: expected, so said at debug level, not by Vert.x's default error log.
            out.exceptionHandler(e -> LOG.debugf("forwarding %s to %s ended early: %s", in.uri(), member, e));
            if (ctx.response().closed() || !pending.waiting(forward)) {
                // The client went away, or was answered, while this waited for a connection (every pooled one
                // busy with an owner that does not answer): give the connection back unused, or the pool leaks it.
                pending.answered(forward);
                out.reset();
                return;
            }
            // A client that goes away later abandons the call to the owner too, for the same reason.
            ctx.response().closeHandler(closed -> out.reset());
            boolean hasBody = in.headers().contains(HttpHeaders.CONTENT_LENGTH) || in.headers().contains(HttpHeaders.TRANSFER_ENCODING);
            if (hasBody && !in.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
                out.setChunked(true);
            }
            var answered = hasBody ? out.send(in) : out.send();
            if (!hasBody) {
                in.resume();
            }
            answered.onComplete(result -> {
                if (!pending.answered(forward)) {
                    if (result.succeeded()) {
                        result.result().request().reset(); // too late: the client was told the owner lost the object
                    }
                    return;
                }
                if (result.failed()) {
                    unreachable(ctx, owner, result.cause());
                    return;
                }
                relay(ctx, owner, result.result(), start);
            });
        });
    }

    private void relay(RoutingContext ctx, Cluster.Owner owner, HttpClientResponse answer, long start) {
        HttpServerResponse response = ctx.response();
        if (response.closed() || response.ended()) {
            // The client went away while the owner answered: nobody to relay to, and the owner's
            // connection goes back only once its answer is dropped.
            answer.request().reset();
            return;
        }
        response.setStatusCode(answer.statusCode()).setStatusMessage(answer.statusMessage());
        copyHeaders(answer.headers(), response.headers());
        response.putHeader(ForwardingHeaders.OWNER, owner.member().id()).putHeader(ForwardingHeaders.SHARD, Integer.toString(owner.shard()));
        if (!answer.headers().contains(HttpHeaders.CONTENT_LENGTH) && ctx.request().method() != HttpMethod.HEAD
                && answer.statusCode() != 204 && answer.statusCode() != 304) {
            response.setChunked(true);
        }
        // Copied by hand, not piped: once the client goes away the response is closed, and a pipe would
        // fail on each chunk still arriving from the owner, every one an uncaught error.
        answer.exceptionHandler(broken -> {
            meters.failed(owner.member().id(), ForwardError.BROKEN);
            LOG.debugf("forwarding %s to %s broke while answering: %s", ctx.request().uri(), owner.member(), broken);
            if (open(response)) {
                response.reset(); // the status is out already: the client sees the answer cut, not a wrong one
            }
        });
        answer.handler(chunk -> {
            if (!open(response)) {
                return; // the client went away: the close handler reset the call to the owner
            }
            response.write(chunk);
            if (response.writeQueueFull()) {
                answer.pause();
                response.drainHandler(drained -> answer.resume());
            }
        });
        answer.endHandler(end -> {
            if (open(response)) {
                response.end();
                meters.forwarded(owner.member().id(), System.nanoTime() - start);
            }
        });
    }

    private static boolean open(HttpServerResponse response) {
        return !response.closed() && !response.ended();
    }

    private void unreachable(RoutingContext ctx, Cluster.Owner owner, Throwable cause) {
        ForwardError error = switch (cause) {
            case ConnectException c -> ForwardError.CONNECT; // a connect timeout included
            case TimeoutException t -> ForwardError.TIMEOUT;
            default -> ForwardError.BROKEN;
        };
        meters.failed(owner.member().id(), error);
        Member m = owner.member();
        String why = switch (error) {
            case CONNECT -> "cannot be reached (" + cause.getMessage() + ")";
            case TIMEOUT -> "sent nothing for " + forwardTimeoutMillis + " ms (cairn.cluster.forward-timeout)";
            case BROKEN, MISDIRECTED, OWNER_LOST -> "closed the connection (" + cause + ")";
        };
        problem(ctx, ProblemType.OWNER_UNREACHABLE, "object shard " + owner.shard() + " is owned by node " + m.id() + " at " + m.url()
                + ", which " + why + "; retry later");
    }

    /** The owner a request was forwarded to lost the request's shard before answering it, and did not answer within the grace. */
    private void ownerLost(RoutingContext ctx, Cluster.Owner owner) {
        meters.failed(owner.member().id(), ForwardError.OWNER_LOST);
        Member m = owner.member();
        problem(ctx, ProblemType.OWNER_UNREACHABLE, "object shard " + owner.shard() + " was owned by node " + m.id() + " at " + m.url()
                + " when this request was forwarded there, but that node has since lost the shard's group to a new leader and did not"
                + " answer; the call may have run there; retry");
    }

    /**
     * A request forwarded by {@code forwardedBy} reached this node, which places its object on another
     * node still: the members disagree about ownership, and forwarding again could loop.
     */
    void misdirected(RoutingContext ctx, String forwardedBy, Cluster.Owner owner, ObjectId id) {
        meters.failed(owner.member().id(), ForwardError.MISDIRECTED);
        problem(ctx, ProblemType.MISDIRECTED, "node " + forwardedBy + " forwarded this request for object " + id + " to node "
                + cluster.nodeId() + ", which places it on node " + owner.member().id() + " (shard " + owner.shard()
                + "); a request is forwarded once only. The nodes' cairn.cluster.* settings differ, or are changing: retry later");
    }

    /** The object's shard has no serving leader (its group elects one, or the new leader is catching up): nothing ran. */
    void leaderless(RoutingContext ctx, int shard, ObjectId id) {
        problem(ctx, ProblemType.NOT_LEADER, "object " + id + " (shard " + shard + ") has no serving leader right now: its Raft"
                + " group elects one or the new leader catches up; nothing ran; retry");
    }

    private void problem(RoutingContext ctx, ProblemType type, String detail) {
        HttpServerResponse response = ctx.response();
        if (response.closed()) {
            return; // the client is gone: nobody to tell
        }
        if (response.headWritten() || response.ended()) {
            response.reset();
            return;
        }
        response.putHeader(HttpHeaders.RETRY_AFTER, Problems.RETRY_AFTER_SECONDS);
        Problems.answer(response, json, Problems.of(type, 503, detail, ctx.request().path()).retryable(true));
    }

    private static void copyHeaders(MultiMap from, MultiMap to) {
        Set<String> named = connectionHeaders(from);
        from.forEach((name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!HOP_BY_HOP.contains(lower) && !named.contains(lower)) {
                to.add(name, value);
            }
        });
    }

    /** Headers the {@code Connection} header names as hop-by-hop too. */
    private static Set<String> connectionHeaders(MultiMap headers) {
        String connection = headers.get(HttpHeaders.CONNECTION);
        if (connection == null) {
            return Set.of();
        }
        return Arrays.stream(connection.toLowerCase(Locale.ROOT).split(",")).map(String::strip).collect(Collectors.toSet());
    }

    void stop(@Observes ShutdownEvent event) {
        if (client != null) {
            client.close();
        }
    }
}
