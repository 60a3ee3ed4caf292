package dev.cairn.api;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The answer of {@link WebSocketHandler#onUpgrade}: accept the socket (with tags and an initial
 * attachment) or reject it with an HTTP status and a reason. Immutable; the factories check their
 * arguments and say what is allowed.
 */
public final class UpgradeDecision {
    /** Most tags per socket (Cloudflare's limit). */
    public static final int MAX_TAGS = 10;
    /** Longest tag, in characters (Cloudflare's limit). */
    public static final int MAX_TAG_LENGTH = 256;
    /** Longest rejection reason, in characters. */
    public static final int MAX_REASON_LENGTH = 1024;

    private final boolean accepted;
    private final List<String> tags;
    private final Object attachment;
    private final int status;
    private final String reason;

    private UpgradeDecision(boolean accepted, List<String> tags, Object attachment, int status, String reason) {
        this.accepted = accepted;
        this.tags = tags;
        this.attachment = attachment;
        this.status = status;
        this.reason = reason;
    }

    /** Accept without tags or attachment. */
    public static UpgradeDecision accept() {
        return new UpgradeDecision(true, List.of(), null, 101, null);
    }

    /** Accept with tags (at most {@value #MAX_TAGS}, each 1 to {@value #MAX_TAG_LENGTH} characters; duplicates count once). */
    public static UpgradeDecision accept(Collection<String> tags) {
        return accept(tags, null);
    }

    /**
     * Accept with tags and an initial attachment (anything {@link ObjectSocket#serializeAttachment}
     * takes, or null for none); the attachment is stored with the upgrade's commit.
     */
    public static UpgradeDecision accept(Collection<String> tags, Object attachment) {
        if (tags == null) {
            throw new IllegalArgumentException("tags may not be null; pass an empty list for none");
        }
        var distinct = new LinkedHashSet<String>();
        for (String tag : tags) {
            if (tag == null || tag.isEmpty() || tag.length() > MAX_TAG_LENGTH) {
                throw new IllegalArgumentException("invalid tag " + (tag == null ? "null" : "of " + tag.length() + " characters")
                        + ": a tag has 1 to " + MAX_TAG_LENGTH + " characters");
            }
            distinct.add(tag);
        }
        if (distinct.size() > MAX_TAGS) {
            throw new IllegalArgumentException(distinct.size() + " tags given; a socket has at most " + MAX_TAGS);
        }
        return new UpgradeDecision(true, List.copyOf(new ArrayList<>(distinct)), attachment, 101, null);
    }

    /** Refuse the socket: the client gets {@code status} (400 to 599) with {@code reason} as the message. */
    public static UpgradeDecision reject(int status, String reason) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("a rejection status is 400 to 599, got " + status);
        }
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a rejection needs a reason saying what was wrong");
        }
        if (reason.length() > MAX_REASON_LENGTH) {
            throw new IllegalArgumentException("a rejection reason has at most " + MAX_REASON_LENGTH + " characters, got "
                    + reason.length());
        }
        return new UpgradeDecision(false, List.of(), null, status, reason);
    }

    public boolean accepted() {
        return accepted;
    }

    /** The tags of an accepted socket, distinct, in the order given. */
    public List<String> tags() {
        return tags;
    }

    /** The initial attachment of an accepted socket, or null. */
    public Object attachment() {
        return attachment;
    }

    /** The HTTP status of a rejection (101 when accepted). */
    public int status() {
        return status;
    }

    /** The reason of a rejection, null when accepted. */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return accepted ? "accept" + tags : "reject " + status + ": " + reason;
    }
}
