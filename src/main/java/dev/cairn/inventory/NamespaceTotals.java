package dev.cairn.inventory;

/** A namespace's object databases on this node: how many, and their bytes together. */
public record NamespaceTotals(long objects, long bytes) {
    public static final NamespaceTotals NONE = new NamespaceTotals(0, 0);

    NamespaceTotals plus(long objectsDelta, long bytesDelta) {
        return new NamespaceTotals(objects + objectsDelta, bytes + bytesDelta);
    }
}
