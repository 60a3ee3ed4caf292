package dev.cairn.examples;

import dev.cairn.api.ObjectContext;
import dev.cairn.api.SqlStorage;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

/**
 * The seats of one event (namespace {@code booking}, one object per event). Calls to one object
 * never overlap, so "is it free? then book it" needs no lock: concurrent bookings of a seat yield
 * exactly one winner.
 */
@RegisterForReflection(fields = false, methods = false)
public final class SeatBooking {
    private final SqlStorage sql;
    private final InstantSource clock;

    public SeatBooking(ObjectContext ctx) {
        this.sql = ctx.storage().sql();
        this.clock = ctx.clock();
        sql.exec("CREATE TABLE IF NOT EXISTS seats (seat TEXT PRIMARY KEY, holder TEXT NOT NULL, booked_at INTEGER NOT NULL)");
    }

    public record Booking(String seat, Instant bookedAt) {}

    /** The outcome of a booking or a release. */
    public sealed interface Outcome {
        record Booked(Booking booking) implements Outcome {}

        record Released() implements Outcome {}

        /** Booked by someone else (who is not said). */
        record Taken() implements Outcome {}

        record NotBooked() implements Outcome {}
    }

    public Outcome book(String seat, String user) {
        var existing = sql.exec("SELECT holder, booked_at FROM seats WHERE seat = ?", seat).toList();
        if (!existing.isEmpty()) {
            var row = existing.getFirst();
            // Booking again by the holder is answered like the first time: safe to retry.
            return row.getString("holder").equals(user)
                    ? new Outcome.Booked(new Booking(seat, Instant.ofEpochMilli(row.getLong("booked_at"))))
                    : new Outcome.Taken();
        }
        long now = clock.millis();
        sql.exec("INSERT INTO seats (seat, holder, booked_at) VALUES (?, ?, ?)", seat, user, now);
        return new Outcome.Booked(new Booking(seat, Instant.ofEpochMilli(now)));
    }

    public Outcome release(String seat, String user) {
        var existing = sql.exec("SELECT holder FROM seats WHERE seat = ?", seat).toList();
        if (existing.isEmpty()) {
            return new Outcome.NotBooked();
        }
        if (!existing.getFirst().getString("holder").equals(user)) {
            return new Outcome.Taken();
        }
        sql.exec("DELETE FROM seats WHERE seat = ?", seat);
        return new Outcome.Released();
    }

    public List<Booking> bookings() {
        return sql.exec("SELECT seat, booked_at FROM seats ORDER BY seat").toList().stream()
                .map(r -> new Booking(r.getString("seat"), Instant.ofEpochMilli(r.getLong("booked_at")))).toList();
    }
}
