package dev.cairn.service.health;

import dev.cairn.cluster.Cluster;
import dev.cairn.cluster.Member;
import dev.cairn.cluster.MemberHealth;
import dev.cairn.cluster.MemberReadiness;
import dev.cairn.service.CairnConfig;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Quarkus Scheduler probes every other member's liveness ({@code GET <url>/q/health/live}) every
 * {@code cairn.cluster.probe-interval}, each probe bounded by {@code cairn.cluster.probe-timeout}, and
 * records what it found in the cluster's {@link MemberHealth}. Probes run on a Vert.x event loop;
 * their results are written there, one member at a time. A single node probes nothing. Also asks a
 * member's readiness on demand ({@link MemberReadiness}), for the replication's leadership balancer.
 */
@Singleton
final class MemberProbe implements MemberReadiness {
    private final Cluster cluster;
    private final HttpClient client;
    private final long timeoutMillis;

    MemberProbe(Cluster cluster, Vertx vertx, CairnConfig config) {
        this.cluster = cluster;
        this.timeoutMillis = config.cluster().probeTimeout().toMillis();
        this.client = cluster instanceof Cluster.Sharded ? vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
                .setConnectTimeout((int) Math.min(timeoutMillis, config.cluster().connectTimeout().toMillis()))) : null;
    }

    @Scheduled(identity = "cairn-member-probe", every = "${cairn.cluster.probe-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void probe() {
        if (cluster instanceof Cluster.Sharded sharded) {
            sharded.members().others().forEach(m -> probe(m, sharded.health()));
        }
    }

    private void probe(Member member, MemberHealth health) {
        var options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(member.url() + "/q/health/live")
                .setTimeout(timeoutMillis);
        client.request(options).compose(r -> r.send()).onComplete(answer -> {
            if (answer.failed()) {
                health.down(member.id(), String.valueOf(answer.cause().getMessage()));
            } else if (answer.result().statusCode() == 200) {
                health.up(member.id());
            } else {
                health.down(member.id(), "/q/health/live answered " + answer.result().statusCode());
            }
            if (answer.succeeded()) {
                answer.result().body(); // read the answer whole, so its connection is reused
            }
        });
    }

    @Override
    public boolean ready(String id) {
        if (!(cluster instanceof Cluster.Sharded sharded)) {
            return id.equals(cluster.nodeId());
        }
        Member member = sharded.members().member(id);
        var options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(member.url() + "/q/health/ready")
                .setTimeout(timeoutMillis);
        try {
            return client.request(options).compose(r -> r.send())
                    .compose(answer -> answer.body().map(whole -> answer.statusCode() == 200)) // read whole: the connection is reused
                    .toCompletionStage().toCompletableFuture().get(timeoutMillis + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (client != null) {
            client.close();
        }
    }
}
