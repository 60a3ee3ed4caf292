package dev.cairn.examples;

import dev.cairn.api.ObjectContext;
import dev.cairn.api.Refusal;
import dev.cairn.api.SqlStorage;
import dev.cairn.examples.api.SeatBookingApi;
import dev.cairn.examples.model.Booking;
import dev.cairn.examples.model.BookingRequest;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The seats of one event (namespace {@code booking}, one object per event). Calls to one object
 * never overlap, so "is it free? then book it" needs no lock: concurrent bookings of a seat yield
 * exactly one winner.
 */
@RegisterForReflection(fields = false, methods = false)
public final class SeatBooking implements SeatBookingApi {
    private final ObjectContext ctx;
    private final SqlStorage sql;
    private final InstantSource clock;

    public SeatBooking(ObjectContext ctx) {
        this.ctx = ctx;
        this.sql = ctx.storage().sql();
        this.clock = ctx.clock();
        sql.exec("CREATE TABLE IF NOT EXISTS seats (seat TEXT PRIMARY KEY, holder TEXT NOT NULL, booked_at INTEGER NOT NULL)");
    }

    /** Books the seat; booking again by its holder is answered like the first time, so it is safe to retry. */
    @Override
    public Booking bookSeat(String seat, BookingRequest body) {
        var existing = sql.exec("SELECT holder, booked_at FROM seats WHERE seat = ?", seat).toList();
        if (!existing.isEmpty()) {
            if (!existing.getFirst().getString("holder").equals(body.getUser())) {
                throw Refusal.conflict("seat " + seat + " of " + event() + " is already booked"); // by whom is not said
            }
            return booking(seat, existing.getFirst().getLong("booked_at"));
        }
        long now = clock.millis();
        sql.exec("INSERT INTO seats (seat, holder, booked_at) VALUES (?, ?, ?)", seat, body.getUser(), now);
        return booking(seat, now);
    }

    @Override
    public void releaseSeat(String seat, String user) {
        var existing = sql.exec("SELECT holder FROM seats WHERE seat = ?", seat).toList();
        if (existing.isEmpty()) {
            throw Refusal.notFound("seat " + seat + " of " + event() + " is not booked");
        }
        if (!existing.getFirst().getString("holder").equals(user)) {
            throw Refusal.conflict("seat " + seat + " of " + event() + " is booked by someone else; only its holder may release it");
        }
        sql.exec("DELETE FROM seats WHERE seat = ?", seat);
    }

    @Override
    public List<Booking> listBookings() {
        return sql.exec("SELECT seat, booked_at FROM seats ORDER BY seat").toList().stream()
                .map(r -> booking(r.getString("seat"), r.getLong("booked_at"))).toList();
    }

    private String event() {
        return ctx.id().name().orElse(ctx.id().toString());
    }

    private static Booking booking(String seat, long bookedAt) {
        return new Booking().seat(seat).bookedAt(Instant.ofEpochMilli(bookedAt).atOffset(ZoneOffset.UTC));
    }
}
