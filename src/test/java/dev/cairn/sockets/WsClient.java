package dev.cairn.sockets;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.io.ByteArrayOutputStream;

/**
 * A real WebSocket client for tests (the JDK's {@link java.net.http.WebSocket}): collects the text and
 * binary messages it receives in order and the close it receives. Reading can be paused to play a
 * slow consumer. Thread-safe for the test thread plus the client's own thread.
 */
public final class WsClient implements WebSocket.Listener, AutoCloseable {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Duration WAIT = Duration.ofSeconds(10);

    /** A close frame as received. */
    public record Close(int code, String reason) {}

    final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    final BlockingQueue<byte[]> binaries = new LinkedBlockingQueue<>();
    final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final StringBuilder partText = new StringBuilder();
    private final ByteArrayOutputStream partBinary = new ByteArrayOutputStream();
    private volatile boolean paused;
    private WebSocket ws;

    private WsClient(boolean paused) {
        this.paused = paused;
    }

    public static WsClient connect(URI uri) {
        return connect(uri, false);
    }

    /** Connects; with {@code paused} nothing is read until {@link #resume()}. */
    static WsClient connect(URI uri, boolean paused) {
        WsClient c = new WsClient(paused);
        try {
            c.ws = HTTP.newWebSocketBuilder().connectTimeout(WAIT).buildAsync(uri, c).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not connect to " + uri + ": " + e, e);
        }
        return c;
    }

    /** The handshake failure of a refused upgrade (its response has the status and the body). */
    public static WebSocketHandshakeException refused(URI uri) {
        try {
            HTTP.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {}).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                return h;
            }
            throw new AssertionError("expected a refused handshake, got " + e.getCause(), e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("the upgrade to " + uri + " was accepted");
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        if (!paused) {
            webSocket.request(1);
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partText.append(data);
        if (last) {
            texts.add(partText.toString());
            partText.setLength(0);
        }
        if (!paused) {
            webSocket.request(1);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] chunk = new byte[data.remaining()];
        data.get(chunk);
        partBinary.writeBytes(chunk);
        if (last) {
            binaries.add(partBinary.toByteArray());
            partBinary.reset();
        }
        if (!paused) {
            webSocket.request(1);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new Close(statusCode, reason));
        return null; // the JDK then answers with the same code: the handshake completes
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.completeExceptionally(error);
    }

    void resume() {
        paused = false;
        ws.request(1);
    }

    public void send(String text) {
        ws.sendText(text, true).join();
    }

    /**
     * Sends text unless the server's close arrived first (the client then answered it and may send no
     * more); returns whether it was sent.
     */
    boolean sendUnlessClosed(String text) {
        try {
            ws.sendText(text, true).join();
            return true;
        } catch (java.util.concurrent.CompletionException e) {
            if (ws.isOutputClosed()) {
                return false;
            }
            throw e;
        }
    }

    /** Sends one frame of a text message ({@code last} ends the message). */
    void sendPart(String text, boolean last) {
        ws.sendText(text, last).join();
    }

    public void send(byte[] data) {
        ws.sendBinary(ByteBuffer.wrap(data), true).join();
    }

    /** Sends text and returns the next text received. */
    String ask(String text) {
        send(text);
        return next();
    }

    /** The next text message (fails after {@link #WAIT}). */
    public String next() {
        try {
            String t = texts.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            if (t == null) {
                throw new AssertionError("no message within " + WAIT + (closed.isDone() ? "; closed: " + closed.getNow(null) : ""));
            }
            return t;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    public byte[] nextBinary() {
        try {
            byte[] b = binaries.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            if (b == null) {
                throw new AssertionError("no binary message within " + WAIT);
            }
            return b;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** Starts the close handshake from the client. */
    public void close(int code, String reason) {
        ws.sendClose(code, reason).join();
    }

    /** The close frame the server sent (waits for it). */
    public Close awaitClose() {
        try {
            return closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no close within " + WAIT + ": " + e, e);
        }
    }

    /** Drops the TCP connection without a close frame. */
    public void abort() {
        ws.abort();
    }

    @Override
    public void close() {
        ws.abort();
    }
}
