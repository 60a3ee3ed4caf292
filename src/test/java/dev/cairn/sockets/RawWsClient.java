package dev.cairn.sockets;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client written against the protocol directly, for what the JDK client cannot do:
 * frames of a chosen size and fragmentation (the JDK client cuts text into 16 KiB frames and
 * corrupts messages of 32 MiB and more). Blocking; one thread.
 */
final class RawWsClient implements AutoCloseable {
    /** A frame as received. */
    record Frame(boolean fin, int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        int closeCode() {
            return ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        }

        String closeReason() {
            return new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    RawWsClient(URI uri) throws IOException {
        socket = new Socket(uri.getHost(), uri.getPort());
        socket.setSoTimeout(15_000);
        out = socket.getOutputStream();
        in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        out.write(("GET " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString(nonce) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String status = line();
        if (!status.startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused: " + status);
        }
        while (!line().isEmpty()) {
            // headers
        }
    }

    private String line() throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    /** Sends one masked frame (opcode 1 text, 0 continuation, 2 binary, 8 close). */
    void frame(int opcode, boolean fin, byte[] payload) throws IOException {
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        int len = payload.length;
        byte[] header;
        if (len < 126) {
            header = new byte[] {(byte) ((fin ? 0x80 : 0) | opcode), (byte) (0x80 | len)};
        } else if (len < 65536) {
            header = new byte[] {(byte) ((fin ? 0x80 : 0) | opcode), (byte) (0x80 | 126), (byte) (len >> 8), (byte) len};
        } else {
            header = new byte[10];
            header[0] = (byte) ((fin ? 0x80 : 0) | opcode);
            header[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) {
                header[2 + i] = (byte) (((long) len) >> (56 - 8 * i));
            }
        }
        byte[] masked = new byte[len];
        for (int i = 0; i < len; i++) {
            masked[i] = (byte) (payload[i] ^ mask[i & 3]);
        }
        out.write(header);
        out.write(mask);
        out.write(masked);
        out.flush();
    }

    void text(String s) throws IOException {
        frame(1, true, s.getBytes(StandardCharsets.UTF_8));
    }

    /** The next frame from the server. */
    Frame read() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long len = b1 & 0x7f;
        if (len == 126) {
            len = in.readUnsignedShort();
        } else if (len == 127) {
            len = in.readLong();
        }
        byte[] payload = new byte[(int) len];
        in.readFully(payload);
        return new Frame((b0 & 0x80) != 0, b0 & 0x0f, payload);
    }

    /** Reads until a close frame arrives and returns it. */
    Frame awaitClose() throws IOException {
        while (true) {
            Frame f = read();
            if (f.opcode() == 8) {
                return f;
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
