package dev.cairn.storage.wal;

import dev.cairn.storage.wal.WalFrames.Chain;
import dev.cairn.storage.wal.WalFrames.Frame;
import dev.cairn.storage.wal.WalFrames.Scan;
import dev.cairn.storage.wal.WalFrames.Stop;
import dev.cairn.storage.wal.WalFrames.Transaction;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Immutable: how far a replica has read its leader's current WAL generation. {@code end} is the WAL
 * offset after the last complete transaction read, {@code chain} what the frame there must continue;
 * {@code open} are the frames after it of a transaction whose commit frame has not arrived, and
 * {@code partial} the bytes received so far of the frame after those (a leader hands a large commit
 * over in pieces that need not end on a frame boundary).
 */
record ReplicaWal(long end, Chain chain, List<Frame> open, byte[] partial) {

    /** What {@link #feed} gave: the transactions the bytes completed, and how far the WAL is read after them. */
    record Fed(List<Transaction> complete, ReplicaWal next) {}

    /** Nothing read yet from {@code offset}, where the next frame must continue {@code chain}. */
    static ReplicaWal at(long offset, Chain chain) {
        return new ReplicaWal(offset, chain, List.of(), new byte[0]);
    }

    /** The WAL offset of the next byte expected. */
    long position() {
        return end + (long) open.size() * chain.frameBytes() + partial.length;
    }

    /**
     * The same, holding only what lay before {@code offset} ({@link #end} to {@link #position}): bytes
     * from there are being handed over again. Held frames keep their verified checksums.
     */
    ReplicaWal cutAt(long offset) {
        int frameBytes = chain.frameBytes();
        int kept = (int) ((offset - end) / frameBytes);
        int rest = (int) (offset - end - (long) kept * frameBytes);
        byte[] head = kept < open.size() ? new byte[rest] : Arrays.copyOf(partial, rest);
        if (kept < open.size()) {
            open.get(kept).bytes().get(0, head);
        }
        return new ReplicaWal(end, chain, List.copyOf(open.subList(0, kept)), head);
    }

    /**
     * Reads {@code bytes}, which continue the WAL at {@link #position}. Refuses, naming the WAL offset,
     * bytes that are not frames continuing this generation; nothing is read from them then.
     */
    Fed feed(ByteBuffer bytes) {
        ByteBuffer data = bytes;
        if (partial.length > 0) {
            data = ByteBuffer.allocate(partial.length + bytes.remaining()).put(partial).put(bytes.duplicate()).flip();
        }
        long dataStart = position() - partial.length;
        Chain from = open.isEmpty() ? chain : open.getLast().after();
        Scan scan = WalFrames.scan(from, open, data);
        if (scan.stop() instanceof Stop.Invalid invalid) {
            throw new IllegalArgumentException("the frame at WAL offset " + (dataStart + scan.read()) + " is refused: "
                    + invalid.why());
        }
        long newEnd = end;
        Chain newChain = chain;
        for (Transaction t : scan.complete()) {
            newEnd += (long) t.frames().size() * chain.frameBytes();
            newChain = t.frames().getLast().after();
        }
        // Held frames outlive this call: the new ones are copied out of the caller's bytes, which it may reuse.
        int alreadyHeld = scan.complete().isEmpty() ? open.size() : 0;
        List<Frame> held = new ArrayList<>(scan.open().subList(0, alreadyHeld));
        scan.open().subList(alreadyHeld, scan.open().size()).forEach(f -> held.add(f.copy()));
        byte[] rest = new byte[data.remaining() - scan.read()];
        data.get(data.position() + scan.read(), rest);
        return new Fed(scan.complete(), new ReplicaWal(newEnd, newChain, List.copyOf(held), rest));
    }
}
