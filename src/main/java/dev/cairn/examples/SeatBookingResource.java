package dev.cairn.examples;

import dev.cairn.api.Namespace;
import dev.cairn.api.Namespaces;
import dev.cairn.api.Refusal;
import dev.cairn.examples.api.SeatBookingApi;
import dev.cairn.examples.model.Booking;
import dev.cairn.examples.model.BookingRequest;
import jakarta.ws.rs.NotFoundException;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/** The {@code SeatBooking} endpoints of the contract. */
final class SeatBookingResource implements SeatBookingApi {
    private static final Pattern SEAT = Pattern.compile("[A-Za-z0-9-]{1,16}");

    private final Namespace<SeatBooking> events;

    SeatBookingResource(Namespaces namespaces) {
        this.events = namespaces.of(SeatBooking.class);
    }

    @Override
    public CompletionStage<Booking> bookSeat(String event, String seat, BookingRequest request) {
        checkSeat(seat);
        String user = checkUser(request == null ? null : request.getUser());
        return events.getByName(event).send(e -> e.book(seat, user)).thenApply(outcome -> switch (outcome) {
            case SeatBooking.Outcome.Booked b -> toModel(b.booking());
            case SeatBooking.Outcome.Taken t -> throw Refusal.conflict("seat " + seat + " of " + event + " is already booked");
            default -> throw new IllegalStateException("unexpected outcome " + outcome);
        });
    }

    @Override
    public CompletionStage<Void> releaseSeat(String event, String seat, String user) {
        checkSeat(seat);
        String holder = checkUser(user);
        return events.getByName(event).send(e -> e.release(seat, holder)).thenApply(outcome -> switch (outcome) {
            case SeatBooking.Outcome.Released r -> null;
            case SeatBooking.Outcome.NotBooked n -> throw new NotFoundException("seat " + seat + " of " + event + " is not booked");
            case SeatBooking.Outcome.Taken t -> throw Refusal.conflict("seat " + seat + " of " + event
                    + " is booked by someone else; only its holder may release it");
            default -> throw new IllegalStateException("unexpected outcome " + outcome);
        });
    }

    @Override
    public CompletionStage<List<Booking>> listBookings(String event) {
        return events.getByName(event).send(SeatBooking::bookings)
                .thenApply(list -> list.stream().map(SeatBookingResource::toModel).toList());
    }

    private static void checkSeat(String seat) {
        if (seat == null || !SEAT.matcher(seat).matches()) {
            throw new IllegalArgumentException("seat must be 1 to 16 letters, digits or '-', got '" + seat + "'");
        }
    }

    private static String checkUser(String user) {
        if (user == null || user.isBlank() || user.length() > 64) {
            throw new IllegalArgumentException("user is required: 1 to 64 characters");
        }
        return user;
    }

    private static Booking toModel(SeatBooking.Booking b) {
        return new Booking().seat(b.seat()).bookedAt(b.bookedAt().atOffset(ZoneOffset.UTC));
    }
}
